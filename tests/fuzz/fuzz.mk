# libFuzzer harnesses over everything that reads persistent memory as
# untrusted input (issue 14, part 3; tests/fuzz/README.md).  Auto-included
# by the Makefile (tests/*/*.mk).
#
#   make test-fuzz    each harness over its committed corpus, then a short
#                     bounded run (FUZZ_TEST_TIME s each, two at a time),
#                     plus the gcc ASan+UBSan replay of the corpus; prints
#                     libFuzzer's final figures (execs, cov, ft)
#   make fuzz         the long campaign: FUZZ_RUNS_<harness> executions
#                     each (10^7 in all by default), FUZZ_PAR harnesses at a
#                     time; logs, new inputs and crashes under $(BUILD)/fuzz
#   make fuzz-replay  the gcc ASan+UBSan replay binaries over the corpus (or
#                     FUZZ_INPUTS=file...): reproduces a crash without
#                     libFuzzer
#   make fuzz-corpus  regenerate tests/fuzz/corpus: seeds (gen_seeds.py), a
#                     short run and the last campaign's finds, reduced by set
#                     cover over coverage edges
#   make fuzz-repro   the reproducers of the bugs the fuzzers found
#
# The library is compiled with the test configuration (store hook, power
# cuts, critical-section and register-file checks) exactly as the cmocka
# tests use it, with clang, ASan+UBSan and coverage for libFuzzer.

FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_NAMES   := fuzz_cell fuzz_buf fuzz_region fuzz_migrate
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN)
FUZZ_COV     := -fsanitize=fuzzer-no-link
FUZZ_INC     := $(INC) -Isrc -Itests/support -Itests/fuzz
# The test support minus regfile.c: tests/fuzz/fuzz_hw.c replaces it (the same
# rules, abort() instead of a cmocka failure, plus an access window).
FUZZ_SUP_SRCS := $(filter-out tests/support/regfile.c,$(SUPPORT_SRCS))
FUZZ_COMMON   := fuzz_common fuzz_hw

# Per harness where FUZZ_RUNS_<harness> is not set.
FUZZ_RUNS      ?= 3000000
FUZZ_PAR       ?= 2
FUZZ_TEST_TIME ?= 10
FUZZ_TEST_RUNS ?= 2000000
FUZZ_MAX_LEN   ?= 2048
FUZZ_FLAGS     ?=

FUZZ_LIB_OBJS := $(patsubst src/%.c,$(FUZZ_DIR)/lib/%.o,$(LIB_SRCS) $(HOST_SRCS))
FUZZ_SUP_OBJS := $(patsubst tests/support/%.c,$(FUZZ_DIR)/sup/%.o,$(FUZZ_SUP_SRCS))
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_NAMES))
FUZZ_REPLAYS  := $(addprefix $(FUZZ_DIR)/replay/,$(FUZZ_NAMES))

# The library and the harnesses carry coverage for libFuzzer; the test
# support (oracles, models) does not, so coverage counts the library's.
$(FUZZ_DIR)/lib/%.o: src/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CLANG) $(CSTD) $(LIB_WARN) $(FUZZ_CFLAGS) $(FUZZ_COV) $(TEST_DEFS) -MMD -MP $(INC) -c $< -o $@

$(FUZZ_DIR)/sup/%.o: tests/support/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CLANG) $(CSTD) $(TEST_WARN) $(FUZZ_CFLAGS) $(TEST_DEFS) -MMD -MP $(FUZZ_INC) -c $< -o $@

$(FUZZ_DIR)/obj/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CLANG) $(CSTD) $(TEST_WARN) $(FUZZ_CFLAGS) $(FUZZ_COV) $(TEST_DEFS) -MMD -MP $(FUZZ_INC) -c $< -o $@

$(FUZZ_DIR)/libpram_fuzz.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

$(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/obj/%.o $(addprefix $(FUZZ_DIR)/obj/,$(addsuffix .o,$(FUZZ_COMMON))) \
                   $(FUZZ_SUP_OBJS) $(FUZZ_DIR)/libpram_fuzz.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CLANG) -fsanitize=fuzzer,address,undefined $^ $(TEST_LIBS) -o $@

# The replay build: gcc, ASan+UBSan, linked with the asan test variant's
# library and support objects (make test-asan builds the same ones).
FUZZ_ASAN_SUP := $(patsubst tests/%.c,$(BUILD)/asan/obj/tests/%.o,$(FUZZ_SUP_SRCS))
$(FUZZ_DIR)/replay/obj/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O1 -g $(SAN_FLAGS) $(TEST_DEFS) -MMD -MP $(FUZZ_INC) -c $< -o $@

$(FUZZ_DIR)/replay/%: $(FUZZ_DIR)/replay/obj/%.o $(FUZZ_DIR)/replay/obj/replay_main.o \
                      $(addprefix $(FUZZ_DIR)/replay/obj/,$(addsuffix .o,$(FUZZ_COMMON))) \
                      $(FUZZ_ASAN_SUP) $(BUILD)/asan/libpram_test.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) -O1 -g $(SAN_FLAGS) $^ $(TEST_LIBS) -o $@

.PHONY: fuzz-build fuzz test-fuzz fuzz-replay fuzz-corpus
fuzz-build: deps $(FUZZ_BINS) $(FUZZ_REPLAYS)

FUZZ_ENV = FUZZ_DIR=$(FUZZ_DIR) FUZZ_PAR=$(FUZZ_PAR) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FUZZ_FLAGS='$(FUZZ_FLAGS)' \
           FUZZ_TEST_TIME=$(FUZZ_TEST_TIME) FUZZ_TEST_RUNS=$(FUZZ_TEST_RUNS) FUZZ_RUNS=$(FUZZ_RUNS) \
           $(foreach f,$(FUZZ_NAMES),$(if $(FUZZ_RUNS_$(f)),FUZZ_RUNS_$(f)=$(FUZZ_RUNS_$(f))))

test-fuzz: fuzz-build
	@echo "== test-fuzz: each harness over tests/fuzz/corpus, then $(FUZZ_TEST_TIME) s (at most $(FUZZ_TEST_RUNS) runs), $(FUZZ_PAR) at a time"
	@$(FUZZ_ENV) sh tests/fuzz/run.sh test $(FUZZ_NAMES)
	@$(MAKE) --no-print-directory fuzz-replay

# The long campaign.  Executions per harness, sized to their speed (clang
# -O1, ASan+UBSan, one x86-64 core each, measured: about 7.7k/s cells, 6.9k/s
# to 9.7k/s migration, 4.3k/s buffers, 1.9k/s to 3k/s regions): 10^7 in all,
# 15 to 22 minutes on two cores.  New inputs stay in $(FUZZ_DIR)/work, so
# the next campaign resumes from them.
FUZZ_RUNS_fuzz_cell    ?= 4000000
FUZZ_RUNS_fuzz_migrate ?= 3000000
FUZZ_RUNS_fuzz_buf     ?= 1600000
FUZZ_RUNS_fuzz_region  ?= 1400000
fuzz: fuzz-build
	@echo "== fuzz: $(foreach f,$(FUZZ_NAMES),$(f) $(FUZZ_RUNS_$(f))) executions, $(FUZZ_PAR) at a time; logs in $(FUZZ_DIR)/logs"
	@$(FUZZ_ENV) sh tests/fuzz/run.sh campaign fuzz_region fuzz_buf fuzz_migrate fuzz_cell

# FUZZ_INPUTS=files: each on the harness its name starts with (libFuzzer
# names crashes $(FUZZ_DIR)/crash/<harness>-crash-...), else on every one.
fuzz-replay: deps $(FUZZ_REPLAYS)
ifeq ($(FUZZ_INPUTS),)
	@set -e; for f in $(FUZZ_NAMES); do $(FUZZ_DIR)/replay/$$f tests/fuzz/corpus/$$f; done; \
	PRAM_FUZZ_MIGRATE_STRICT=1 $(FUZZ_DIR)/replay/fuzz_migrate $(wildcard tests/fuzz/repro/fuzz_migrate-*.fuzz)
else
	@set -e; for i in $(FUZZ_INPUTS); do \
	  h=$$(basename $$i | sed -n 's/^\(fuzz_[a-z]*\).*/\1/p'); \
	  for f in $${h:-$(FUZZ_NAMES)}; do $(FUZZ_DIR)/replay/$$f $$i; done; \
	done
endif

# Maintenance (not part of any test): regenerate the committed corpus from
# the seeds (gen_seeds.py), a FUZZ_CORPUS_TIME s run from them, what the last
# campaign found ($(FUZZ_DIR)/work) and the corpus itself, reduced by set
# cover over coverage edges (-set_cover_merge=1 -use_counters=0): a few dozen
# small inputs per harness that reach every edge the sources reach.
FUZZ_CORPUS_TIME    ?= 60
FUZZ_CORPUS_MAX_LEN ?= 1024
fuzz-corpus: fuzz-build
	@set -e; mkdir -p $(FUZZ_DIR)/logs; for f in $(FUZZ_NAMES); do \
	  rm -rf $(FUZZ_DIR)/seeds/$$f $(FUZZ_DIR)/grow/$$f tests/fuzz/corpus/$$f.new; \
	  mkdir -p $(FUZZ_DIR)/seeds/$$f $(FUZZ_DIR)/grow/$$f $(FUZZ_DIR)/work/$$f tests/fuzz/corpus/$$f tests/fuzz/corpus/$$f.new; \
	  python3 tests/fuzz/gen_seeds.py $$f $(FUZZ_DIR)/seeds/$$f; \
	  $(FUZZ_DIR)/bin/$$f $(FUZZ_DIR)/grow/$$f $(FUZZ_DIR)/seeds/$$f tests/fuzz/corpus/$$f \
	    -max_len=$(FUZZ_CORPUS_MAX_LEN) -max_total_time=$(FUZZ_CORPUS_TIME) >$(FUZZ_DIR)/logs/$$f-corpus.log 2>&1; \
	  $(FUZZ_DIR)/bin/$$f -set_cover_merge=1 -use_counters=0 -max_len=$(FUZZ_CORPUS_MAX_LEN) tests/fuzz/corpus/$$f.new \
	    $(FUZZ_DIR)/seeds/$$f $(FUZZ_DIR)/grow/$$f $(FUZZ_DIR)/work/$$f tests/fuzz/corpus/$$f \
	    >>$(FUZZ_DIR)/logs/$$f-corpus.log 2>&1; \
	  rm -rf tests/fuzz/corpus/$$f && mv tests/fuzz/corpus/$$f.new tests/fuzz/corpus/$$f; \
	  echo "fuzz-corpus: $$f: $$(ls tests/fuzz/corpus/$$f | wc -l) inputs, $$(cat tests/fuzz/corpus/$$f/* | wc -c) bytes"; \
	done

# The reproducers of the bugs the fuzzers found (tests/fuzz/repro/*.c, each
# a plain program over the library as the cmocka tests link it): each exits
# 1 while its bug is there and 0 once it is fixed.  Not part of any test.
FUZZ_REPROS := $(basename $(notdir $(wildcard tests/fuzz/repro/*.c)))
FUZZ_ASAN_REPRO_SUP := $(patsubst %,$(BUILD)/asan/obj/tests/support/%.o,power_cut test_support regfile reset_model)
$(FUZZ_DIR)/repro/%: tests/fuzz/repro/%.c $(FUZZ_ASAN_REPRO_SUP) $(BUILD)/asan/libpram_test.a
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(CSTD) $(TEST_WARN) -O1 -g $(SAN_FLAGS) $(TEST_DEFS) $(FUZZ_INC) $^ $(TEST_LIBS) -o $@

.PHONY: fuzz-repro
fuzz-repro: deps $(addprefix $(FUZZ_DIR)/repro/,$(FUZZ_REPROS))
	@for r in $(FUZZ_REPROS); do \
	  if $(FUZZ_DIR)/repro/$$r >$(FUZZ_DIR)/repro/$$r.out 2>&1; then echo "fuzz-repro: $$r: fixed"; \
	  else echo "fuzz-repro: $$r: REPRODUCES"; sed 's/^/   /' $(FUZZ_DIR)/repro/$$r.out; fi; \
	done
