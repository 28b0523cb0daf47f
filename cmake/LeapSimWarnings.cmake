# Warnings every LeapSim target compiles with; the tree is kept warning-free.
add_library(leapsim_warnings INTERFACE)
target_compile_options(leapsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  # GCC 12 warns of members a designated initializer leaves to their defaults, which is the point
  # of the parameter schema's Field{.range = ..., .unit = ...} entries.
  -Wno-missing-field-initializers)
