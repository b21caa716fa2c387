/* Every macro of the C headers, expanded in C++ (tests/cpp/cpp_macros.cpp):
 * compiled from C++11 to C++20 by make test-cpp, and run by test_cpp.cpp. */
#ifndef CPP_MACROS_H
#define CPP_MACROS_H

/* 0 if every check passed, else the line of the first that failed. */
int cpp_macros_run();

#endif
