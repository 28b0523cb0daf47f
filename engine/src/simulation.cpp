#include "leapsim/engine/simulation.hpp"

namespace leapsim {

template class BasicSimulation<LadderQueue>;
template class BasicSimulation<HeapQueue>;

}  // namespace leapsim
