// expect: pram/pram.hpp needs C++17
// std: c++14
#include "pram/pram.hpp"
