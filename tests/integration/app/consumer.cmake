# Shared by the CMake consumers in tests/integration: given pram::pram
# (+ pram::host on a POSIX target) and PRAM_LD_DIR, whatever way they came,
# consumer_add(NAME c|cpp) builds the host boot counter or, with
# cmake/arm-none-eabi.cmake, the Cortex-M firmware NAME.elf, from app/.  The
# consumer's own warnings are errors.
set(_consumer_app "${CMAKE_CURRENT_LIST_DIR}")

# The options pram was configured with: the consumer's code checks that it
# sees the same values (pram_config.h through pram::pram's definitions).
set(_consumer_expect "")
if(CONSUMER_EXPECT_CRC16)
  list(APPEND _consumer_expect "CONSUMER_EXPECT_CRC16=${CONSUMER_EXPECT_CRC16}")
endif()
if(CONSUMER_EXPECT_CRITICAL)
  list(APPEND _consumer_expect "CONSUMER_EXPECT_CRITICAL=${CONSUMER_EXPECT_CRITICAL}")
endif()
if(CONSUMER_EXPECT_USER_CONFIG)
  list(APPEND _consumer_expect "CONSUMER_EXPECT_USER_CONFIG=1")
endif()

function(consumer_add name ext)
  if(CMAKE_SYSTEM_NAME STREQUAL "Generic")
    add_executable(${name} "${_consumer_app}/fw_main.${ext}")
    target_link_libraries(${name} PRIVATE pram::pram)
    # The one linker step: the firmware's script INCLUDEs pram_noinit.ld,
    # found through -L${PRAM_LD_DIR}.
    target_link_options(${name} PRIVATE
      -nostartfiles "-L${PRAM_LD_DIR}" "-T${_consumer_app}/fw.ld"
      -Wl,--orphan-handling=error -Wl,--fatal-warnings)
    set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS "${_consumer_app}/fw.ld")
  else()
    add_executable(${name} "${_consumer_app}/boot_host.${ext}")
    target_link_libraries(${name} PRIVATE pram::host)
  endif()
  target_compile_definitions(${name} PRIVATE ${_consumer_expect})
  if(ext STREQUAL "cpp")
    set_target_properties(${name} PROPERTIES CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
    target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Werror -fno-exceptions -fno-rtti)
  else()
    set_target_properties(${name} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
    target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  endif()
endfunction()
