# make test-ld: ld/cortex_m.ld, the script a new user copies, links clean
# with --orphan-handling=warn --fatal-warnings at every -O level, with and
# without the toolchain's startup files and newlib, passes the placement gate,
# and the newlib build (crt0, a constructor, printf over semihosting) runs on
# QEMU.  Uses the top Makefile's ARM_CC, ARM_READELF, QEMU_ARM, CSTD, INC.

LD_TEST_DIR   := $(BUILD)/ld-test
LD_TEST_FLAGS := $(CSTD) -mcpu=cortex-m4 -mthumb -g -ffunction-sections -fdata-sections \
                 -Wall -Wextra -Werror $(INC)
LD_TEST_LINK  := -Lld -T cortex_m.ld -Wl,--gc-sections -Wl,--orphan-handling=warn -Wl,--fatal-warnings
# startup files and libc: none of ours (-nostartfiles), newlib's crt0 with
# stub syscalls (nosys), and with semihosting (rdimon, run on QEMU).
LD_TEST_CRT_bare   := -nostartfiles
LD_TEST_CRT_nosys  := -DSKELETON_CRT0 --specs=nosys.specs
LD_TEST_CRT_rdimon := -DSKELETON_CRT0 --specs=rdimon.specs

.PHONY: test-ld
test-ld: deps
	@mkdir -p $(LD_TEST_DIR)
	@set -e; n=0; for o in $(OPT_LEVELS); do for crt in bare nosys rdimon; do \
	  case $$crt in bare) x="$(LD_TEST_CRT_bare)";; nosys) x="$(LD_TEST_CRT_nosys)";; *) x="$(LD_TEST_CRT_rdimon)";; esac; \
	  elf=$(LD_TEST_DIR)/skeleton$$o-$$crt.elf; \
	  $(ARM_CC) $(LD_TEST_FLAGS) $$o $$x tests/ld/skeleton_fw.c $(LIB_SRCS) $(LD_TEST_LINK) -o $$elf \
	    >$$elf.log 2>&1 || { cat $$elf.log; echo "test-ld: $$elf did not link clean"; exit 1; }; \
	  READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $$elf >/dev/null || \
	    { READELF=$(ARM_READELF) sh examples/tools/check_elf.sh $$elf; exit 1; }; \
	  n=$$((n+1)); done; done; \
	echo "test-ld: ld/cortex_m.ld links $$n firmwares warning-free (--orphan-handling=warn --fatal-warnings; $(OPT_LEVELS); no startfiles, newlib nosys, newlib rdimon), all pass the placement gate"
	@out=$$(timeout 20 $(QEMU_ARM) -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
	  -kernel $(LD_TEST_DIR)/skeleton-Os-rdimon.elf 2>&1); \
	if [ "$$out" != "boot 1 1" ]; then echo "$$out"; echo "test-ld: the newlib build did not run (want 'boot 1 1')"; exit 1; fi; \
	echo "test-ld: the newlib build runs on QEMU mps2-an386: crt0, a constructor and printf work, the cell counts"
