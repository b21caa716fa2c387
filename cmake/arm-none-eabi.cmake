# CMake toolchain file: bare-metal Cortex-M with the GNU Arm toolchain
# (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi; for C++ also
# libstdc++-arm-none-eabi-newlib).
#
#   cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=<pram>/cmake/arm-none-eabi.cmake \
#         -DPRAM_ARM_CPU_FLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"
#
# PRAM_ARM_CPU_FLAGS goes to every compile and link (C, C++, assembler): the
# library, the firmware and the C library it links must agree on CPU and
# float ABI.  Sections per function and object let the firmware link drop
# what it does not use (-Wl,--gc-sections; keep the linker-script KEEPs).
# Executables: no startup files are assumed; the firmware brings its own
# vector table and linker script (docs/integration.md).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(PRAM_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=soft"
    CACHE STRING "CPU flags for every compile and link (-mcpu, -mthumb, -mfloat-abi, -mfpu)")
# try_compile projects read this file again: hand them the value in use.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PRAM_ARM_CPU_FLAGS)

set(_pram_arm_prefix arm-none-eabi-)
set(CMAKE_C_COMPILER ${_pram_arm_prefix}gcc)
set(CMAKE_CXX_COMPILER ${_pram_arm_prefix}g++)
set(CMAKE_ASM_COMPILER ${_pram_arm_prefix}gcc)
set(CMAKE_AR ${_pram_arm_prefix}ar CACHE FILEPATH "Archiver")
set(CMAKE_RANLIB ${_pram_arm_prefix}ranlib CACHE FILEPATH "Ranlib")
set(CMAKE_OBJCOPY ${_pram_arm_prefix}objcopy CACHE FILEPATH "Objcopy")
set(CMAKE_SIZE ${_pram_arm_prefix}size CACHE FILEPATH "Size")

# No OS to run a test executable on, and no startup files to link one with.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "${PRAM_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${PRAM_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${PRAM_ARM_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")

# Programs from the host; libraries, headers and packages for the target only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
