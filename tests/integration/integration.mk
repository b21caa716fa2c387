# make test-integration: pram used as a library the ways docs/integration.md
# describes (CMake add_subdirectory, FetchContent, find_package after an
# install; make install + pkg-config; a plain Makefile over the sources; C++),
# each consumer built in a fresh temporary folder, run on the host, linked
# for Cortex-M and its .noinit placement checked.  tests/integration/run.sh
# does the work.  Included by the top Makefile.
.PHONY: test-integration
test-integration: deps
	@bash tests/integration/run.sh
