# The update-flag example (examples/update_flag/): a user's own state machine
# in pram cells, power-cut-tested with the host kit (pram_sim.h).  Included by
# the top Makefile (uses CC, CSTD, TEST_WARN, INC, SIM_DEFS, BUILD, `deps`
# and make all's $(BUILD)/host/libpram_sim.a).
#
#   make demo-sim   builds the test program as a user would (the compile line
#                   in docs/testing.md, against make all's libpram_sim.a), in
#                   the correct commit order and the wrong one, and runs both:
#                   the first passes at every store, the second shows the
#                   violation the kit finds and its replay.
# (make test-sim, tests/sim/sim.mk, builds and checks the same programs under
# gcc, clang+UBSan and ASan+UBSan.)

UF_DIR  := examples/update_flag
UF_SRCS := $(UF_DIR)/update_flag.c $(UF_DIR)/update_flag_test.c
UF_OUT  := $(BUILD)/host/update_flag

$(UF_OUT)/update_flag_test: $(UF_SRCS) $(UF_DIR)/update_flag.h $(BUILD)/host/libpram_sim.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O2 -g $(SIM_DEFS) $(INC) -I$(UF_DIR) $(UF_SRCS) \
	  $(BUILD)/host/libpram_sim.a -o $@

$(UF_OUT)/update_flag_test_wrong: $(UF_SRCS) $(UF_DIR)/update_flag.h $(BUILD)/host/libpram_sim.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O2 -g $(SIM_DEFS) -DUPDATE_FLAG_WRONG_ORDER $(INC) -I$(UF_DIR) \
	  $(UF_SRCS) $(BUILD)/host/libpram_sim.a -o $@

.PHONY: demo-sim
demo-sim: deps $(UF_OUT)/update_flag_test $(UF_OUT)/update_flag_test_wrong
	@echo "== your own logic, power-cut-tested on the host (pram_sim.h, docs/testing.md)"
	@$(UF_OUT)/update_flag_test
	@$(UF_OUT)/update_flag_test_wrong
