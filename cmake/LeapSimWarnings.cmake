# Warnings every LeapSim target compiles with; the tree is kept warning-free.
add_library(leapsim_warnings INTERFACE)
target_compile_options(leapsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion)
