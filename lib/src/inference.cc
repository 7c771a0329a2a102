/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/inference.h>
#include <semsteg/threads.h>

#include <torch/cuda.h>

#include <algorithm>
#include <atomic>
#ifdef __linux__
#include <pthread.h>
#endif
#include <cmath>

namespace semsteg {

queue_full_policy parse_queue_full_policy(const std::string& name)
{
    if (name == "wait")
        return queue_full_policy::wait;
    if (name == "drop")
        return queue_full_policy::drop;
    throw error("queue-full policy '" + name + "': expected wait or drop");
}

const char* to_string(queue_full_policy policy)
{
    return policy == queue_full_policy::drop ? "drop" : "wait";
}

void inference_settings::validate() const
{
    if (max_batch < 1)
        throw error("inference: max batch " + std::to_string(max_batch) + " (at least 1)");
    if (!std::isfinite(max_wait_ms) || max_wait_ms < 0 || max_wait_ms > 10000)
        throw error("inference: max wait " + std::to_string(max_wait_ms)
                    + " ms (0 to 10,000 ms)");
    if (queue_capacity < 1)
        throw error("inference: queue capacity 0 (at least 1)");
    if (threads > 1024)
        throw error("inference: " + std::to_string(threads) + " threads (at most 1,024)");
    if (workers < 0 || workers > 64)
        throw error("inference: " + std::to_string(workers)
                    + " workers (1 to 64, or 0: automatic)");
    if (device == "cpu")
        return;
    const bool cuda_name = device == "cuda"
        || (device.rfind("cuda:", 0) == 0 && device.size() > 5
            && device.find_first_not_of("0123456789", 5) == std::string::npos);
    if (!cuda_name)
        throw error("inference: device '" + device + "': expected cpu, cuda or cuda:N");
    if (!torch::cuda::is_available())
        throw error("inference: device '" + device
                    + "': this LibTorch has no CUDA device (Debian's LibTorch is CPU-only; "
                      "build against a CUDA LibTorch to use a GPU)");
    if (device.size() > 5) {
        const long index = std::stol(device.substr(5));
        if (index >= static_cast<long>(torch::cuda::device_count()))
            throw error("inference: device '" + device + "': there are "
                        + std::to_string(torch::cuda::device_count()) + " CUDA devices");
    }
}

namespace {
std::atomic<int> g_started { 0 };
thread_local const inference_engine* t_worker_of = nullptr;
} // namespace

inference_engine& inference_engine::instance()
{
    // Never destroyed: operations owned by objects that outlive static destruction (a
    // Python interpreter's blocks) must still find it; its worker idles until exit.
    static auto* engine = new inference_engine;
    return *engine;
}

inference_engine::inference_engine() { g_started.fetch_add(1); }

int inference_engine::instances_started() { return g_started.load(); }

inference_engine::~inference_engine()
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_stop = true;
    }
    d_work.notify_all();
    d_room.notify_all();
    for (auto& worker : d_workers)
        worker.join();
}

void inference_engine::configure(const inference_settings& s)
{
    s.validate();
    std::lock_guard<std::mutex> lock(d_mutex);
    d_settings = s;
    if (!d_workers.empty())
        start_workers_locked();
    d_room.notify_all(); // a larger capacity lets waiting submitters in
    d_work.notify_all();
}

namespace {
int thread_budget(const inference_settings& s)
{
    return s.threads > 0
        ? s.threads
        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}
} // namespace

int inference_engine::workers_locked() const
{
    if (d_settings.workers > 0)
        return d_settings.workers;
    // One per thread (measured, 2 cores: the loopback ran 1.18x faster with two one-thread
    // workers than with one two-thread worker), but no more than operations to serve.
    const int operations = static_cast<int>(std::max<size_t>(1, d_queues.size()));
    return std::clamp(std::min(thread_budget(d_settings), operations), 1, 64);
}

void inference_engine::start_workers_locked()
{
    // Workers beyond the setting idle (a later setting may want them again).
    while (d_workers.size() < static_cast<size_t>(workers_locked())) {
        const int index = static_cast<int>(d_workers.size());
        d_workers.emplace_back([this, index] { run(index); });
    }
}

inference_settings inference_engine::settings() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_settings;
}

inference_counters inference_engine::counters() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_counters;
}

bool inference_engine::on_worker() const { return t_worker_of == this; }

void inference_engine::add(detail::batch_queue* q)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_queues.push_back(q);
    start_workers_locked(); // with the operations: no threads for nothing
    d_work.notify_all(); // (a worker idle for want of operations may serve now)
}

void inference_engine::remove(detail::batch_queue* q)
{
    std::unique_lock<std::mutex> lock(d_mutex);
    d_queues.erase(std::remove(d_queues.begin(), d_queues.end(), q), d_queues.end());
    q->discard();
    d_room.notify_all(); // a submitter waiting on this queue must not wait for ever
    if (!on_worker()) // (a callback removing its own operation: it is not running a batch of it)
        d_room.wait(lock, [&] { return !running(q); });
}

bool inference_engine::registered(const detail::batch_queue* q) const
{
    return std::find(d_queues.begin(), d_queues.end(), q) != d_queues.end();
}

bool inference_engine::running(const detail::batch_queue* q) const
{
    return std::find(d_running.begin(), d_running.end(), q) != d_running.end();
}

bool inference_engine::enqueue(detail::batch_queue* q,
                               const std::function<void()>& push,
                               bool may_drop)
{
    std::unique_lock<std::mutex> lock(d_mutex);
    if (q->pending() >= d_settings.queue_capacity && !on_worker()) {
        if (may_drop && d_settings.when_full == queue_full_policy::drop) {
            ++d_counters.dropped;
            return false;
        }
        d_room.wait(lock, [&] {
            return d_stop || !registered(q) || q->pending() < d_settings.queue_capacity;
        });
    }
    if (d_stop || !registered(q))
        throw error("inference: the engine or the operation is shutting down");
    push();
    ++d_counters.submitted;
    d_work.notify_one();
    return true;
}

size_t inference_engine::warm_up()
{
    std::vector<detail::batch_queue*> queues;
    int threads = 1;
    size_t max_batch = 1;
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        d_room.wait(lock, [&] { return d_stop || d_running.empty(); });
        if (d_stop)
            return 0;
        queues = d_queues;
        // Marked running: no worker serves them, and none is removed, meanwhile.
        d_running.insert(d_running.end(), queues.begin(), queues.end());
        threads = std::max(1, thread_budget(d_settings) / workers_locked());
        max_batch = static_cast<size_t>(std::max(1, d_settings.max_batch));
    }
    size_t batches = 0;
    // On a thread of its own with a worker's thread count: LibTorch's thread count is per
    // calling thread, and its kernels are built for the count they run with.
    std::thread([&] {
        set_torch_threads(threads);
        for (auto* q : queues)
            for (size_t b = 1; b <= max_batch; ++b)
                batches += q->warm_up(b) ? 1 : 0;
    }).join();
    std::lock_guard<std::mutex> lock(d_mutex);
    for (auto* q : queues)
        d_running.erase(std::find(d_running.begin(), d_running.end(), q));
    d_room.notify_all();
    d_work.notify_all();
    return batches;
}

void inference_engine::record(size_t completed, size_t failed, size_t callback_failures)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_counters.completed += completed;
    d_counters.failed += failed;
    d_counters.callback_failures += callback_failures;
}

detail::batch_queue* inference_engine::next_queue() const
{
    // Only queues free to run: not running already, nor sharing a network with one that is.
    const auto free = [&](const detail::batch_queue* q) {
        for (const auto* r : d_running)
            if (r == q || (q->network() && r->network() == q->network()))
                return false;
        return true;
    };
    detail::batch_queue* best = nullptr;
    for (auto* q : d_queues)
        if (q->pending() > 0 && (!best || q->oldest() < best->oldest()) && free(q))
            best = q;
    return best;
}

bool inference_engine::others_pending(const detail::batch_queue* q) const
{
    for (const auto* other : d_queues)
        if (other != q && other->pending() > 0)
            return true;
    return false;
}

void inference_engine::run(int index)
{
    t_worker_of = this;
#ifdef __linux__
    // Named for top -H / perf: where a flowgraph's CPU goes (GNU Radio names its blocks').
    const std::string name = "semsteg-infer" + std::to_string(index);
    pthread_setname_np(pthread_self(), name.c_str());
#endif
    std::optional<int> threads_in_force;
    std::unique_lock<std::mutex> lock(d_mutex);
    const auto serving = [&] { return index < workers_locked(); };
    for (;;) {
        d_work.wait(lock, [&] { return d_stop || (serving() && next_queue() != nullptr); });
        if (d_stop)
            return;
        auto* q = next_queue();
        // A lone request waits (max_wait) for others of its operation to batch with,
        // but never while another operation has work: the worker does not idle.
        const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(d_settings.max_wait_ms));
        const auto deadline = q->oldest() + wait;
        while (!d_stop && registered(q)
               && q->pending() < static_cast<size_t>(d_settings.max_batch)
               && !others_pending(q) && std::chrono::steady_clock::now() < deadline)
            d_work.wait_until(lock, deadline);
        if (d_stop)
            return;
        // While this worker waited, another may have taken the queue (or its network).
        if (!registered(q) || q->pending() == 0 || next_queue() != q)
            continue;
        auto [work, taken] = q->take(static_cast<size_t>(d_settings.max_batch));
        d_running.push_back(q);
        ++d_counters.batches;
        d_counters.largest_batch = std::max<uint64_t>(d_counters.largest_batch, taken);
        d_counters.most_concurrent
            = std::max<uint64_t>(d_counters.most_concurrent, d_running.size());
        // This worker's share of the threads.
        const int threads = std::max(1, thread_budget(d_settings) / workers_locked());
        d_room.notify_all();
        lock.unlock();
        // LibTorch's OpenMP thread count is per calling thread: set it here, where every
        // network runs.
        if (threads != threads_in_force) {
            const int in_force = set_torch_threads(threads);
            threads_in_force = threads;
            std::lock_guard<std::mutex> counters_lock(d_mutex);
            d_counters.threads = in_force;
        }
        work();
        lock.lock();
        d_running.erase(std::find(d_running.begin(), d_running.end(), q));
        d_room.notify_all();
        d_work.notify_all(); // the queue (or its network) is free for a worker again
    }
}

} // namespace semsteg
