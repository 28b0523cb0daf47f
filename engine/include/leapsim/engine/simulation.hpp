#pragma once
// The simulation kernel: a clock, an event queue, processes and their handlers, random streams
// and the entity population. It knows nothing of what the entities are.
//
// Competing risks: each (entity, process) pair has at most one pending event. Scheduling it
// again replaces the pending one; cancelling it clears it. The queue is never searched:
// the pair's slot remembers the time of its pending event, and a popped event whose time no
// longer matches its slot is stale and skipped, so a cancelled event never fires. Stale events
// are purged in bulk once they pass a quarter of the live ones, which keeps cancel O(1) amortised
// and memory within 1.25 events per pending one (plus a fixed 4096).
//
// Deferred processes: a process whose handler reads and writes only its own entity's state need
// not pass through the queue. Its pending time is kept in the slot alone, and its events fire
// when the model catches the entity up (catch_up) before it touches that state, in the order
// the queue would have fired them, with the clock reading each event's time. The history of
// every entity is the one the queue gives; only the interleaving with other entities moves.

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "leapsim/engine/errors.hpp"
#include "leapsim/engine/event.hpp"
#include "leapsim/engine/event_queue.hpp"
#include "leapsim/engine/fifo_lane.hpp"
#include "leapsim/engine/heap_queue.hpp"
#include "leapsim/engine/huge_page_allocator.hpp"
#include "leapsim/engine/ladder_queue.hpp"
#include "leapsim/engine/population.hpp"
#include "leapsim/engine/random.hpp"
#include "leapsim/engine/replication_runner.hpp"
#include "leapsim/engine/time.hpp"

namespace leapsim {

/// What a process does when its event fires; receives the entity (kNoEntity for global ones).
using Handler = std::function<void(EntityId)>;

/// Whether a process runs per entity (competing risks) or once for the whole simulation.
enum class Scope : std::uint8_t { entity, global };

/// Discrete-event simulation kernel over an event queue implementation.
template <EventQueue Queue>
class BasicSimulation {
 public:
  /// A simulation whose random streams are keyed by (seed, replication), starting at `start`.
  BasicSimulation(std::uint64_t seed, std::uint32_t replication, Time start = 0.0)
      : seed_(seed), replication_(replication), now_(start) {}

  BasicSimulation(const BasicSimulation&) = delete;
  BasicSimulation& operator=(const BasicSimulation&) = delete;

  /// Registers a process. Priority breaks ties between processes at the same instant (lower
  /// first). A process without a handler only names a random stream and cannot be scheduled.
  ProcessId add_process(std::string name, Scope scope, Priority priority, Handler handler = {}) {
    if (processes_.size() > std::numeric_limits<ProcessId>::max()) throw UsageError("too many processes registered");
    const auto id = static_cast<ProcessId>(processes_.size());
    Process p{std::move(name), scope, priority, std::move(handler), {}, false, false, 0, {}};
    if (scope == Scope::entity) {
      p.column = stride_;
      widen_slots();
    }
    processes_.push_back(std::move(p));
    return id;
  }

  /// Gives a process a hint that touches (e.g. __builtin_prefetch) the model data its handler
  /// will read for an entity; the kernel calls it a few events ahead, hiding memory latency.
  void set_prefetch(ProcessId process, Handler prefetch) { process_at(process).prefetch = std::move(prefetch); }

  /// Declares that a process's events are scheduled at one fixed delay from the time they are
  /// scheduled (a yearly review), so they arrive in time order: they then bypass the queue
  /// through a FIFO. An event that would break the FIFO's order goes to the queue, so the
  /// firing order is exact either way.
  void set_in_order(ProcessId process, bool in_order = true) {
    Process& p = process_at(process);
    if (in_order && p.deferred) throw UsageError(describe(p, kNoEntity) + " is deferred and cannot be in order too");
    p.in_order = in_order;
  }

  /// Declares a process deferred (see the header): its handler must touch only its own entity
  /// and schedule only deferred processes. Set before any of its events is scheduled.
  void set_deferred(ProcessId process) {
    Process& p = process_at(process);
    if (p.scope != Scope::entity || p.in_order || !p.handler)
      throw UsageError(describe(p, kNoEntity) +
                       " cannot be deferred: only an entity process with a handler, not "
                       "in order, can be");
    if (p.deferred) return;
    for (EntityId e = 0; e < population_.issued(); ++e)
      if (is_set(slot(p, e).pending)) throw UsageError(describe(p, kNoEntity) + " has pending events; defer it first");
    p.deferred = true;
    deferred_.push_back(process);
    // Cancelled events of the process may still sit in the queue; one whose time matched a later
    // deferred slot would fire from there.
    const auto of_process = [process](const Event& ev) { return ev.process() == process; };
    queue_.erase_if(of_process);
    lane_.erase_if(of_process);
  }

  /// Fires the entity's deferred events that the queue would have fired before the event now
  /// firing (between runs: those before now), earliest first. Call before touching the state
  /// they change.
  void catch_up(EntityId entity) {
    if (deferred_.empty() || in_deferred_) return;
    if (entity >= population_.issued()) [[unlikely]]
      fail_no_such_entity(processes_[deferred_.front()], entity);
    if (earliest_deferred(entity) < current_) fire_deferred(entity);  // most calls find nothing due
  }

  /// catch_up for every alive entity, in id order: before a report that reads every entity.
  void catch_up_all() {
    if (deferred_.empty()) return;
    population_.for_each_alive([this](EntityId e) { catch_up(e); });
  }

  /// Continues a run another simulation made (one whose model registered the same processes,
  /// keyed by the same seed and replication) from where it stopped: its clock, entities, streams
  /// and pending events. Pending events are filed by this simulation's own settings, so a
  /// process deferred in one and queued in the other continues exactly.
  void resume_from(const BasicSimulation& other) {
    if (other.seed_ != seed_ || other.replication_ != replication_ || other.processes_.size() != processes_.size())
      throw UsageError("a run continues only in a simulation with its seed, replication and processes");
    for (std::size_t k = 0; k < processes_.size(); ++k) {
      const Process &mine = processes_[k], &theirs = other.processes_[k];
      if (mine.name != theirs.name || mine.scope != theirs.scope || mine.priority != theirs.priority)
        throw UsageError(describe(mine, kNoEntity) + " does not match " + describe(theirs, kNoEntity) +
                         " of the run to continue");
    }
    if (other.in_deferred_ || population_.issued() != 0 || pending_ != 0)
      throw UsageError("a run continues only into a fresh simulation, from one that is not firing");
    now_ = other.now_;
    current_ = other.current_;
    fired_ = other.fired_;
    population_.assign(other.population_);
    slots_ = other.slots_;
    // The lane is taken as it is (sorted, stale entries and all) when the same processes are in
    // order; then the in-order events that were not in it (they came out of order and went to
    // the queue) are found by marking the lane's live ones. Every other pending event is filed
    // afresh from the slots, skipping what this simulation defers.
    bool same_lane = true;
    for (std::size_t k = 0; k < processes_.size(); ++k)
      same_lane &= processes_[k].in_order == other.processes_[k].in_order;
    std::vector<std::uint8_t> in_lane;  // by slot index, then one per process for the globals
    if (same_lane) {
      lane_ = other.lane_;
      in_lane.assign(slots_.size() + processes_.size(), 0);
      for (std::size_t i = 0; i < lane_.size(); ++i) {
        const Event& ev = lane_.at(i);
        const Process& p = other.processes_[ev.process()];
        const bool global = p.scope == Scope::global;
        const std::size_t index = global ? slots_.size() + ev.process() : std::size_t{ev.entity()} * stride_ + p.column;
        if ((global ? p.global : slots_[index]).pending == ev.time) in_lane[index] = 1;  // live, not stale
      }
    }
    std::vector<Event> in_order;
    const auto file = [&](const Event& ev, const Process& p, std::size_t index) {
      ++pending_;
      if (!p.in_order)
        queue_.push(ev);
      else if (!same_lane)
        in_order.push_back(ev);
      else if (in_lane[index] == 0)
        queue_.push(ev);
    };
    for (std::size_t k = 0; k < processes_.size(); ++k) {
      Process& p = processes_[k];
      if (p.scope != Scope::global) continue;
      p.global = other.processes_[k].global;
      if (is_set(p.global.pending))
        file(Event::make(p.global.pending, p.priority, kNoEntity, static_cast<ProcessId>(k)), p, slots_.size() + k);
    }
    for (EntityId e = 0; e < population_.issued(); ++e)
      for (std::size_t k = 0; k < processes_.size(); ++k) {
        const Process& p = processes_[k];
        if (p.scope == Scope::global || p.deferred) continue;
        const std::size_t index = std::size_t{e} * stride_ + p.column;
        if (const Time t = slots_[index].pending; is_set(t))
          file(Event::make(t, p.priority, e, static_cast<ProcessId>(k)), p, index);
      }
    std::sort(in_order.begin(), in_order.end());
    for (const Event& ev : in_order)
      if (!lane_.try_push(ev)) queue_.push(ev);  // sorted, so the lane takes each
  }

  /// Adds an entity with no pending events and returns its id.
  EntityId add_entity() {
    const EntityId id = population_.add();
    slots_.resize(slots_.size() + stride_);
    return id;
  }

  /// Removes an entity and cancels all its pending events.
  void remove_entity(EntityId id) {
    population_.remove(id);
    for (Process& p : processes_)
      if (p.scope == Scope::entity && is_set(slot(p, id).pending)) {
        slot(p, id).pending = kNone;
        if (!p.deferred) --pending_;
      }
    purge_if_mostly_stale();
  }

  /// Schedules (or reschedules) the pending event of a process for an entity at time t.
  void schedule(ProcessId process, EntityId entity, Time t) {
    Process& p = checked(process, entity);
    if (!p.handler) [[unlikely]]
      fail_unschedulable(p);
    if (!(t >= now_)) [[unlikely]]
      fail_in_the_past(p, entity, t, now_);
    Slot& s = slot(p, entity);
    if (p.deferred) {
      s.pending = t;
      return;
    }
    if (in_deferred_) [[unlikely]]
      fail_queued_from_deferred(p);
    if (s.pending == t) return;
    if (is_set(s.pending))
      purge_if_mostly_stale();
    else
      ++pending_;
    s.pending = t;
    const Event ev = Event::make(t, p.priority, entity, process);
    if (!p.in_order || !lane_.try_push(ev)) queue_.push(ev);
  }

  /// Schedules (or reschedules) a global process.
  void schedule(ProcessId process, Time t) { schedule(process, kNoEntity, t); }

  /// Cancels the pending event of a process for an entity; does nothing if none is pending.
  void cancel(ProcessId process, EntityId entity = kNoEntity) {
    Process& p = checked(process, entity);
    Slot& s = slot(p, entity);
    if (!is_set(s.pending)) return;
    s.pending = kNone;
    if (p.deferred) return;
    --pending_;
    purge_if_mostly_stale();
  }

  /// True when the process has a pending event for the entity.
  bool is_pending(ProcessId process, EntityId entity = kNoEntity) {
    return is_set(slot(checked(process, entity), entity).pending);
  }

  /// Time of the pending event, or NaN when none is pending.
  Time pending_time(ProcessId process, EntityId entity = kNoEntity) {
    return slot(checked(process, entity), entity).pending;
  }

  /// The random stream of a process for an entity; it resumes where the last one stopped.
  /// The stream advances a counter inside the kernel's slot arrays, which move when entities or
  /// processes are added: use a stream within one handler, and take it after add_entity.
  RandomStream stream(ProcessId process, EntityId entity = kNoEntity) {
    Slot& s = slot(checked(process, entity), entity);
    return RandomStream(seed_, replication_, entity, process, &s.blocks);
  }

  /// Blocks a process's stream for an entity has drawn: with set_stream_position, a model can
  /// copy an entity drawn in one run into another run keyed alike and continue its stream there.
  std::uint32_t stream_position(ProcessId process, EntityId entity = kNoEntity) {
    return slot(checked(process, entity), entity).blocks;
  }
  /// Sets where a process's stream for an entity resumes (see stream_position).
  void set_stream_position(ProcessId process, EntityId entity, std::uint32_t blocks) {
    slot(checked(process, entity), entity).blocks = blocks;
  }

  /// Fires, in order, every event with time < end; then the clock reads `end` (if finite and
  /// not stopped). Returns the number of events fired.
  std::uint64_t run_until(Time end) {
    stop_requested_ = false;
    const std::uint64_t before = fired_;
    while (!queue_.empty() || !lane_.empty()) {
      // The next event is the earlier of the queue's top and the lane's front; each is read once.
      Event ev{};
      bool from_lane = !lane_.empty();
      if (!queue_.empty()) {
        ev = queue_.top();
        from_lane = from_lane && lane_.front() < ev;
      }
      if (from_lane) ev = lane_.front();
      if (!(ev.time < end)) break;
      if (from_lane) {
        prefetch_lane();
        lane_.pop();
      } else {
        prefetch_queue();
        queue_.pop();
      }
      Process& p = processes_[ev.process()];
      Slot& s = slot(p, ev.entity());
      if (s.pending != ev.time) continue;  // cancelled or rescheduled
      s.pending = kNone;                   // cleared first, so the handler may reschedule it
      --pending_;
      now_ = ev.time;
      current_ = ev;
      ++fired_;
      p.handler(ev.entity());
      if (stop_requested_) return fired_ - before;
      if ((fired_ & kInterruptCheckMask) == 0) [[unlikely]]
        check_interrupt();
    }
    if (std::isfinite(end) && end > now_) now_ = end;
    current_ = Event::make(std::max(end, now_), 0, 0, 0);
    catch_up_all();                         // every event before `end` has fired, deferred ones too
    current_ = Event::make(now_, 0, 0, 0);  // between runs, catch_up fires what precedes now
    return fired_ - before;
  }

  /// Fires events until none is pending.
  std::uint64_t run() { return run_until(std::numeric_limits<Time>::infinity()); }

  /// Asks run_until to return after the current handler.
  void stop() noexcept { stop_requested_ = true; }

  /// A flag another thread may raise (SIGINT, Ctrl-C): run_until looks at it every 65,536 events
  /// and throws Cancelled once it is set, so even a long replication stops within a fraction of
  /// a second. Null: never interrupted. A stopped run is abandoned, never resumed.
  void set_interrupt(const std::atomic<bool>* flag) noexcept { interrupt_ = flag; }

  /// The simulated span a run covers: at each look at the interrupt flag the kernel tells the
  /// replication runner how much of it has passed (report_task_fraction), so progress moves within
  /// a long replication. An empty span reports nothing.
  void set_progress_span(Time from, Time to) noexcept { progress_from_ = from, progress_to_ = to; }

  /// Current simulated time: the time of the event firing, or where the last run stopped.
  Time now() const noexcept { return now_; }
  /// Events fired since construction.
  std::uint64_t events_fired() const noexcept { return fired_; }
  /// Events pending in the queue and the lane (not cancelled); deferred ones are kept in slots only.
  std::size_t pending_events() const noexcept { return pending_; }
  std::uint64_t seed() const noexcept { return seed_; }
  std::uint32_t replication() const noexcept { return replication_; }
  Population& population() noexcept { return population_; }
  const Population& population() const noexcept { return population_; }
  const Queue& queue() const noexcept { return queue_; }

  /// Reserves room for n entities in the population and every process.
  void reserve(std::size_t n) {
    population_.reserve(n);
    slots_.reserve(n * stride_);
  }

  /// Heap bytes of kernel bookkeeping: queue, per-entity slots and alive bits (not model columns).
  std::size_t kernel_memory_bytes() const noexcept {
    std::size_t bytes = queue_.memory_bytes() + lane_.memory_bytes() + processes_.capacity() * sizeof(Process);
    bytes += slots_.capacity() * sizeof(Slot);
    return bytes + (population_.issued() + 63) / 64 * sizeof(std::uint64_t);
  }

 private:
  static constexpr Time kNone = std::numeric_limits<Time>::quiet_NaN();
  static bool is_set(Time t) noexcept { return t == t; }  // NaN marks "nothing pending"

  /// Pending time and random-stream position of one (entity, process) pair.
  struct Slot {
    Time pending = kNone;
    std::uint32_t blocks = 0;
  };

  struct Process {
    std::string name;
    Scope scope;
    Priority priority;
    Handler handler;
    Handler prefetch;       // optional latency hint, see set_prefetch
    bool in_order = false;  // see set_in_order
    bool deferred = false;  // see set_deferred
    std::uint32_t column;   // index among the entity processes; unused for global ones
    Slot global;
  };

  Slot& slot(Process& p, EntityId entity) noexcept {
    return p.scope == Scope::global ? p.global : slots_[std::size_t{entity} * stride_ + p.column];
  }
  /// Makes room for one more entity process: every entity's slots stay together.
  void widen_slots() {
    HugePageVector<Slot> wider(population_.issued() * (stride_ + 1));
    for (std::size_t e = 0; e < population_.issued(); ++e)
      for (std::size_t k = 0; k < stride_; ++k) wider[e * (stride_ + 1) + k] = slots_[e * stride_ + k];
    slots_ = std::move(wider);
    ++stride_;
  }

  Process& process_at(ProcessId process) {
    if (process >= processes_.size()) [[unlikely]]
      fail_unknown_process(process);
    return processes_[process];
  }

  Process& checked(ProcessId process, EntityId entity) {
    Process& p = process_at(process);
    if (p.scope == Scope::global ? entity != kNoEntity : entity >= population_.issued()) [[unlikely]]
      fail_no_such_entity(p, entity);
    return p;
  }

  // The checks above run on every call a handler makes; their messages are built out of line, so
  // the checks themselves stay a compare and a branch in the caller.
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_unknown_process(ProcessId process) {
    throw UsageError("unknown process id " + std::to_string(process));
  }
  /// Events between two looks at the interrupt flag: a look costs a relaxed load, and 65,536
  /// events take a few milliseconds.
  static constexpr std::uint64_t kInterruptCheckMask = (std::uint64_t{1} << 16) - 1;
  [[gnu::cold, gnu::noinline]] void check_interrupt() const {
    if (interrupt_ != nullptr && interrupt_->load(std::memory_order_relaxed))
      throw Cancelled("the run was interrupted");
    if (progress_to_ > progress_from_) report_task_fraction((now_ - progress_from_) / (progress_to_ - progress_from_));
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_no_such_entity(const Process& p, EntityId entity) {
    throw UsageError(describe(p, entity) + ": no such entity for this process");
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_unschedulable(const Process& p) {
    throw UsageError(describe(p, kNoEntity) + " has no handler and cannot be scheduled");
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_queued_from_deferred(const Process& p) {
    throw UsageError(describe(p, kNoEntity) + " is queued and cannot be scheduled by a deferred handler");
  }
  [[noreturn, gnu::cold, gnu::noinline]] static void fail_in_the_past(const Process& p, EntityId entity, Time t,
                                                                      Time now) {
    throw SimulationError(describe(p, entity) + " scheduled at " + std::to_string(t) + ", before the current time " +
                          std::to_string(now));
  }

  static std::string describe(const Process& p, EntityId entity) {
    return "process '" + p.name + "'" + (entity == kNoEntity ? "" : " of entity " + std::to_string(entity));
  }

  // The slot check of every popped event is a cache miss at large populations; the queue's
  // sorted batch tells which slots come next, so their lines are requested ahead of use.
  static constexpr std::size_t kPrefetchDistance = 8;
  void prefetch_queue() noexcept {
    if constexpr (requires(const Queue& q) {
                    q.upcoming();
                    q.batches();
                  }) {
      const std::span<const Event> next = queue_.upcoming();
      std::size_t from = kPrefetchDistance;
      if (queue_.batches() != batch_seen_) {  // a fresh batch: nothing of it was prefetched yet
        batch_seen_ = queue_.batches();
        from = 1;
      }
      for (std::size_t i = from; i <= kPrefetchDistance && i < next.size(); ++i) prefetch(next[i]);
    }
  }

  /// The lane is in order, so the event kPrefetchDistance behind the one popping comes up next.
  void prefetch_lane() noexcept {
    if (lane_.size() > kPrefetchDistance) prefetch(lane_.at(kPrefetchDistance));
  }

  void prefetch(const Event& e) noexcept {
    Process& p = processes_[e.process()];
    __builtin_prefetch(&slot(p, e.entity()));
    if (p.prefetch) p.prefetch(e.entity());
  }

  /// The entity's earliest deferred event, or one that sorts after every event when none is pending.
  Event earliest_deferred(EntityId entity) noexcept {
    Event next{std::numeric_limits<Time>::infinity(), ~std::uint64_t{0}};
    for (const ProcessId d : deferred_) {
      const Process& p = processes_[d];
      const Time t = slots_[std::size_t{entity} * stride_ + p.column].pending;
      if (!is_set(t)) continue;
      const Event e = Event::make(t, p.priority, entity, d);
      if (e < next) next = e;
    }
    return next;
  }

  /// Fires the entity's deferred events due before the current event, with the clock at each.
  [[gnu::noinline]] void fire_deferred(EntityId entity) {
    // The clock and the current event go back to the caller's when done, even on a throw.
    struct Resume {
      BasicSimulation& sim;
      Event limit;
      Time now;
      ~Resume() {
        sim.in_deferred_ = false;
        sim.now_ = now;
        sim.current_ = limit;
      }
    } resume{*this, current_, now_};
    in_deferred_ = true;
    for (Event next = earliest_deferred(entity); next < resume.limit; next = earliest_deferred(entity)) {
      Process& p = processes_[next.process()];
      slot(p, entity).pending = kNone;
      now_ = next.time;
      current_ = next;
      ++fired_;
      p.handler(entity);
    }
  }

  void purge_if_mostly_stale() {
    if (queue_.size() + lane_.size() < pending_ + pending_ / 4 + 4096) return;
    const auto stale = [this](const Event& ev) {
      Process& p = processes_[ev.process()];
      return slot(p, ev.entity()).pending != ev.time;
    };
    queue_.erase_if(stale);
    lane_.erase_if(stale);
  }

  std::uint64_t seed_;
  std::uint32_t replication_;
  Time now_;
  Queue queue_;
  FifoLane lane_;  // events of in-order processes, see set_in_order
  std::vector<Process> processes_;
  // The slots of every entity process, entity-major: an entity's pending times sit in one cache
  // line, so a handler that reschedules several of its entity's processes misses once, not once
  // per process.
  HugePageVector<Slot> slots_;
  std::uint32_t stride_ = 0;  // entity processes
  Population population_;
  std::size_t pending_ = 0;
  std::uint64_t fired_ = 0;
  bool stop_requested_ = false;
  const std::atomic<bool>* interrupt_ = nullptr;  // set_interrupt
  Time progress_from_ = 0.0, progress_to_ = 0.0;  // set_progress_span
  std::vector<ProcessId> deferred_;               // see set_deferred
  Event current_ = Event::make(now_, 0, 0, 0);    // the event firing; catch_up fires what precedes it
  bool in_deferred_ = false;                      // a deferred handler is running
  std::uint64_t batch_seen_ = 0;
};

/// The kernel with the default queue.
using Simulation = BasicSimulation<LadderQueue>;

extern template class BasicSimulation<LadderQueue>;
extern template class BasicSimulation<HeapQueue>;

}  // namespace leapsim
