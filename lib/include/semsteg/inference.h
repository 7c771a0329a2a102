/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INFERENCE_H
#define INCLUDED_SEMSTEG_INFERENCE_H

/*!
 * \file inference.h
 * The process's inference engine (torch-free header): every network the facades of
 * semantic.h run goes through it. Its workers own LibTorch's thread budget and the device;
 * requests wait in one bounded queue per operation (a block's network), a free worker serves
 * the queue whose oldest request waited longest (and that no other worker is running), as a
 * batch of up to max_batch requests, and hands each request its own result through its
 * callback. With several workers, batches of different operations run at once, each on its
 * share of the threads: small 64x64 networks scale poorly inside one operation (measured:
 * two threads ran them 1.4x faster than one), and a flowgraph always has several
 * operations with work.
 *
 * Why: GNU Radio runs every block in a thread of its own. When each neural block drove
 * LibTorch's process-wide OpenMP pool itself, more than one torch thread made them spin
 * against each other (the loopback ran 16x slower at 2 threads than at 1), and one image at
 * a time never reached the batch sizes at which the networks are efficient.
 */

#include <semsteg/error.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace semsteg {

//! What a submission to a full queue does.
enum class queue_full_policy {
    wait, //!< back-pressure: the submitting thread waits for room
    drop, //!< the request is refused (submit returns false) and counted
};
//! "wait" or "drop" → the policy; throws semsteg::error otherwise.
queue_full_policy parse_queue_full_policy(const std::string& name);
const char* to_string(queue_full_policy policy);

//! The engine's settings: one set for the whole process.
struct inference_settings {
    int threads = 1; //!< LibTorch intra-op threads in all (<= 0: one per core)
    int workers = 0; //!< batches (of different operations) run at once, each worker with
        //!< threads / workers of the threads (at least one); 0: one per thread, but no
        //!< more than there are operations
    int max_batch = 16; //!< most requests of one operation run together
    double max_wait_ms = 1.0; //!< how long a lone request waits for company (only
        //!< while no other operation has work waiting)
    size_t queue_capacity = 64; //!< requests waiting per operation
    queue_full_policy when_full = queue_full_policy::wait;
    std::string device = "cpu"; //!< "cpu", "cuda" or "cuda:N" (a LibTorch built with CUDA)
    //! Throws semsteg::error naming the bad setting (a CUDA device without CUDA included).
    void validate() const;
};

//! What the engine has done since it started (all operations).
struct inference_counters {
    uint64_t submitted = 0; //!< requests accepted into a queue (synchronous calls included)
    uint64_t completed = 0; //!< results handed back (failures included)
    uint64_t failed = 0; //!< results that were errors
    uint64_t callback_failures = 0; //!< results whose callback threw (a bug in the caller)
    uint64_t dropped = 0; //!< requests refused by a full queue (drop policy)
    uint64_t batches = 0; //!< batches run
    uint64_t largest_batch = 0; //!< the most requests run as one batch
    uint64_t most_concurrent = 0; //!< the most batches that ran at the same time
    int threads = 0; //!< LibTorch threads of the last batch's worker (0: none run yet)
};

//! A request's result: its value, or why there is none.
template <class T>
struct outcome {
    std::optional<T> value;
    std::string error;
    bool ok() const { return value.has_value(); }
    static outcome failure(std::string why) { return { std::nullopt, std::move(why) }; }
};

namespace detail {
//! One operation's queue, as the engine sees it (every member is called under its lock).
class batch_queue
{
public:
    virtual ~batch_queue() = default;
    virtual size_t pending() const = 0;
    virtual std::chrono::steady_clock::time_point oldest() const = 0;
    //! Removes up to `n` requests; returns the work that runs them and delivers the results
    //! (run without the lock) and how many it took.
    virtual std::pair<std::function<void()>, size_t> take(size_t n) = 0;
    //! Drops every pending request without running it (the operation is going away).
    virtual void discard() = 0;
    //! The network it runs, when other operations share it (their batches never run at
    //! the same time as this one's); nullptr: its own.
    virtual const void* network() const = 0;
    //! Runs the network on `batch` copies of its warm-up sample (without the lock; results
    //! dropped); false when it has none.
    virtual bool warm_up(size_t batch) = 0;
};
} // namespace detail

class inference_engine
{
public:
    //! The process's engine, made on first use with default settings.
    static inference_engine& instance();

    inference_engine();
    ~inference_engine(); //!< stops the workers; requests still waiting are not run
    inference_engine(const inference_engine&) = delete;
    inference_engine& operator=(const inference_engine&) = delete;

    //! Validates and installs `s`; it applies from the next batch (threads on each worker).
    void configure(const inference_settings& s);
    inference_settings settings() const;
    inference_counters counters() const;
    //! True on one of the engine's worker threads (the results' callbacks run there).
    bool on_worker() const;
    //! How many engines of this process have been started (one, unless a test makes its own).
    static int instances_started();
    /*!
     * Runs every operation that has a warm-up sample at every batch size from 1 to
     * max_batch, with a worker's share of the threads, and returns the batches run. Call it
     * once the operations exist and before requests flow (a program: after building its
     * flowgraph, before starting it). Why: LibTorch builds its kernels for each new input
     * shape on first use, so a flowgraph's first images otherwise wait behind that work
     * (measured, a real-time loopback at 0.8 of capacity: the worst image's latency 0.72 s
     * without it, 0.52 s with it). Waits for running batches; holds each operation's
     * own batches back while it runs.
     */
    size_t warm_up();

    // For batched_operation.
    void add(detail::batch_queue* q);
    void remove(detail::batch_queue* q); //!< waits for its running batch; discards the rest
    //! Runs `push` under the lock when there is room (or per the policy). `may_drop`: false
    //! for synchronous callers, who always wait. Returns false when dropped.
    bool enqueue(detail::batch_queue* q, const std::function<void()>& push, bool may_drop);
    //! Counts a batch's results delivered: how many, how many failed, how many callbacks threw.
    void record(size_t completed, size_t failed, size_t callback_failures);

private:
    void run(int index);
    int workers_locked() const; //!< the workers in use (settings.workers, or automatic)
    void start_workers_locked();
    bool running(const detail::batch_queue* q) const;
    detail::batch_queue* next_queue() const;
    bool others_pending(const detail::batch_queue* q) const;
    bool registered(const detail::batch_queue* q) const;

    mutable std::mutex d_mutex;
    std::condition_variable d_work; //!< workers: a request arrived, a batch ended, or stop
    std::condition_variable d_room; //!< submitters: a queue has room; remove: a batch ended
    inference_settings d_settings;
    inference_counters d_counters;
    std::vector<detail::batch_queue*> d_queues;
    std::vector<const detail::batch_queue*> d_running; //!< one batch per queue at a time
    bool d_stop = false;
    std::vector<std::thread> d_workers; //!< worker i serves while i < settings.workers
};

/*!
 * One batched operation of one network (e.g. a codec's decoder as a block uses it).
 * `run` gets a batch of requests and returns one outcome per request, in order; it runs on
 * an engine worker, the only threads that run networks (never two batches of one operation
 * at once). Results reach `done` callbacks on the worker, in submission order; a callback must be quick (publish a message) and
 * must not throw (an exception is caught and counted as a failure).
 */
template <class Request, class Result>
class batched_operation final : public detail::batch_queue
{
public:
    using run_fn = std::function<std::vector<outcome<Result>>(std::vector<Request>&)>;
    using done_fn = std::function<void(outcome<Result>&&)>;

    //! `network`: what it shares with other operations (a facade's one model, which its
    //! encoder and decoder operations both use and move between devices), so that their
    //! batches never run at once; nullptr when it shares nothing.
    explicit batched_operation(run_fn run,
                               inference_engine& engine = inference_engine::instance(),
                               const void* network = nullptr)
        : d_run(std::move(run)), d_engine(engine), d_network(network)
    {
        d_engine.add(this);
    }
    ~batched_operation() override { d_engine.remove(this); }
    batched_operation(const batched_operation&) = delete;
    batched_operation& operator=(const batched_operation&) = delete;

    /*!
     * Queues `request`; its outcome goes to `done` later, on a worker. Returns false when
     * the queue was full and the policy is drop (`done` is then never called); with
     * `may_drop` false the caller waits for room whatever the policy. From a worker
     * itself (a callback submitting on), it never waits.
     */
    //! The request that inference_engine::warm_up runs (copied to each batch size): set it
    //! once, before the operation is shared.
    void set_warm_up_sample(Request sample) { d_sample = std::move(sample); }

    bool submit(Request request, done_fn done, bool may_drop = true)
    {
        return d_engine.enqueue(
            this,
            [&] {
                d_items.push_back({ std::move(request),
                                    std::move(done),
                                    std::chrono::steady_clock::now() });
            },
            may_drop);
    }

    //! Runs `request` and waits for its result; throws semsteg::error with the failure.
    Result call(Request request)
    {
        outcome<Result> result;
        if (d_engine.on_worker()) { // inside a callback: run here, never wait on ourselves
            std::vector<Request> one;
            one.push_back(std::move(request));
            result = std::move(run_batch(one).at(0));
        } else {
            std::promise<outcome<Result>> promise;
            auto future = promise.get_future();
            d_engine.enqueue(
                this,
                [&] {
                    d_items.push_back({ std::move(request),
                                        [&promise](outcome<Result>&& r) {
                                            promise.set_value(std::move(r));
                                        },
                                        std::chrono::steady_clock::now() });
                },
                false);
            result = future.get();
        }
        if (!result.ok())
            throw error(result.error);
        return std::move(*result.value);
    }

    // detail::batch_queue (under the engine's lock)
    size_t pending() const override { return d_items.size(); }
    std::chrono::steady_clock::time_point oldest() const override
    {
        return d_items.front().enqueued;
    }
    std::pair<std::function<void()>, size_t> take(size_t n) override
    {
        auto batch = std::make_shared<std::vector<item>>();
        while (batch->size() < n && !d_items.empty()) {
            batch->push_back(std::move(d_items.front()));
            d_items.pop_front();
        }
        const size_t taken = batch->size();
        return { [this, batch] {
                    std::vector<Request> requests;
                    requests.reserve(batch->size());
                    for (auto& it : *batch)
                        requests.push_back(std::move(it.request));
                    auto results = run_batch(requests);
                    size_t failed = 0, callback_failures = 0;
                    for (size_t i = 0; i < batch->size(); ++i) {
                        failed += results[i].ok() ? 0 : 1;
                        try {
                            (*batch)[i].done(std::move(results[i]));
                        } catch (...) { // a callback must not take the worker down
                            ++callback_failures;
                        }
                    }
                    d_engine.record(batch->size(), failed, callback_failures);
                },
                 taken };
    }
    void discard() override { d_items.clear(); }
    const void* network() const override { return d_network; }
    bool warm_up(size_t batch) override
    {
        if (!d_sample)
            return false;
        std::vector<Request> requests(batch, *d_sample);
        run_batch(requests); // a failure shows again, and is reported, on first real use
        return true;
    }

private:
    struct item {
        Request request;
        done_fn done;
        std::chrono::steady_clock::time_point enqueued;
    };

    std::vector<outcome<Result>> run_batch(std::vector<Request>& requests)
    {
        std::vector<outcome<Result>> results;
        try {
            results = d_run(requests);
            if (results.size() != requests.size())
                results.clear();
        } catch (const std::exception& e) {
            return std::vector<outcome<Result>>(requests.size(),
                                                outcome<Result>::failure(e.what()));
        }
        if (results.empty() && !requests.empty())
            return std::vector<outcome<Result>>(
                requests.size(),
                outcome<Result>::failure("internal error: a batch gave the wrong number of "
                                         "results"));
        return results;
    }

    run_fn d_run;
    inference_engine& d_engine;
    const void* const d_network;
    std::deque<item> d_items; //!< guarded by the engine's lock
    std::optional<Request> d_sample; //!< what warm_up runs
};

} // namespace semsteg

#endif
