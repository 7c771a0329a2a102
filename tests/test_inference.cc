/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The inference engine (inference.h) with plain functions as networks: each request gets
// its own result under concurrent submitters, batches form, full queues follow the policy
// and count, settings take effect, failures reach the right requests.
#include <semsteg/error.h>
#include <semsteg/inference.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

using namespace semsteg;
using namespace std::chrono_literals;

namespace {

struct request {
    int submitter;
    int index;
};

// Doubles each index; records the batch sizes it saw.
struct doubler {
    std::mutex mutex;
    std::vector<size_t> batch_sizes;
    std::vector<outcome<int>> operator()(std::vector<request>& batch)
    {
        {
            std::lock_guard<std::mutex> lock(mutex);
            batch_sizes.push_back(batch.size());
        }
        std::vector<outcome<int>> out;
        for (const auto& r : batch)
            out.push_back({ r.index * 2, "" });
        return out;
    }
};

// Holds the worker inside a batch until released (to fill queues deterministically).
struct gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool entered = false, open = false;
    void pass()
    {
        std::unique_lock<std::mutex> lock(mutex);
        entered = true;
        cv.notify_all();
        cv.wait(lock, [&] { return open; });
    }
    void wait_entered()
    {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return entered; });
    }
    void release()
    {
        std::lock_guard<std::mutex> lock(mutex);
        open = true;
        cv.notify_all();
    }
};

// A doubler whose first batch waits at `g` (so that tests fill its queue deterministically).
std::unique_ptr<batched_operation<request, int>>
gated_doubler(gate& g, doubler& net, inference_engine& engine)
{
    auto first = std::make_shared<std::atomic<bool>>(true);
    return std::make_unique<batched_operation<request, int>>(
        [&g, &net, first](std::vector<request>& b) {
            if (first->exchange(false))
                g.pass();
            return net(b);
        },
        engine);
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 10s)
{
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred())
            return true;
        std::this_thread::sleep_for(1ms);
    }
    return pred();
}

} // namespace

namespace {
void check_each_request_gets_its_own_result_in_order(int workers)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 8;
    s.queue_capacity = 16; // small: submitters meet back-pressure too
    s.workers = workers;
    engine.configure(s);
    doubler net_a, net_b;
    batched_operation<request, int> op_a([&](auto& b) { return net_a(b); }, engine);
    batched_operation<request, int> op_b([&](auto& b) { return net_b(b); }, engine);

    constexpr int submitters = 4, per_submitter = 300;
    std::mutex mutex;
    std::vector<std::vector<std::pair<int, int>>> seen(submitters); // (index, result)
    std::vector<std::thread> threads;
    for (int t = 0; t < submitters; ++t)
        threads.emplace_back([&, t] {
            auto& op = (t % 2) ? op_b : op_a;
            for (int i = 0; i < per_submitter; ++i)
                ASSERT_TRUE(op.submit({ t, i }, [&, t, i](outcome<int>&& r) {
                    ASSERT_TRUE(r.ok()) << r.error;
                    std::lock_guard<std::mutex> lock(mutex);
                    seen[t].emplace_back(i, *r.value);
                }));
        });
    for (auto& th : threads)
        th.join();
    ASSERT_TRUE(eventually(
        [&] { return engine.counters().completed == uint64_t(submitters * per_submitter); }));
    for (int t = 0; t < submitters; ++t) {
        ASSERT_EQ(seen[t].size(), size_t(per_submitter));
        for (int i = 0; i < per_submitter; ++i) {
            EXPECT_EQ(seen[t][i].first, i) << "submitter " << t << ": out of order";
            EXPECT_EQ(seen[t][i].second, 2 * i) << "submitter " << t << ": another's result";
        }
    }
    const auto c = engine.counters();
    EXPECT_EQ(c.submitted, uint64_t(submitters * per_submitter));
    EXPECT_EQ(c.failed, 0u);
    EXPECT_EQ(c.dropped, 0u);
    EXPECT_LE(c.largest_batch, 8u);
}
} // namespace

TEST(Inference, EachRequestGetsItsOwnResultInOrderUnderConcurrentSubmitters)
{
    check_each_request_gets_its_own_result_in_order(1);
}

TEST(Inference, EachRequestGetsItsOwnResultInOrderWithTwoWorkers)
{
    check_each_request_gets_its_own_result_in_order(2);
}

namespace {
// An operation whose first batch waits at `g`, sharing `network` (nullptr: nothing).
std::unique_ptr<batched_operation<request, int>> held_operation(gate& g,
                                                                std::atomic<int>& batches,
                                                                inference_engine& engine,
                                                                const void* network = nullptr)
{
    auto first = std::make_shared<std::atomic<bool>>(true);
    return std::make_unique<batched_operation<request, int>>(
        [&g, &batches, first](std::vector<request>& b) {
            ++batches;
            if (first->exchange(false))
                g.pass();
            std::vector<outcome<int>> out;
            for (const auto& r : b)
                out.push_back({ r.index, "" });
            return out;
        },
        engine,
        network);
}

bool entered_within(gate& g, std::chrono::milliseconds limit)
{
    std::unique_lock<std::mutex> lock(g.mutex);
    return g.cv.wait_for(lock, limit, [&] { return g.entered; });
}

// Operations a and b, each holding its first batch at its gate; results are counted.
struct two_held_operations {
    gate ga, gb;
    std::atomic<int> batches_a { 0 }, batches_b { 0 }, delivered { 0 };
    std::unique_ptr<batched_operation<request, int>> op_a, op_b; // last: destroyed first
    explicit two_held_operations(inference_engine& engine, const void* network = nullptr)
        : op_a(held_operation(ga, batches_a, engine, network))
        , op_b(held_operation(gb, batches_b, engine, network))
    {
    }
    void submit(batched_operation<request, int>& op, int index)
    {
        op.submit({ 0, index }, [this](outcome<int>&&) { ++delivered; });
    }
};
} // namespace

TEST(Inference, WorkersRunDifferentOperationsAtOnceButNeverOneTwice)
{
    inference_engine engine;
    inference_settings s;
    s.workers = 3;
    s.max_batch = 1;
    engine.configure(s);
    two_held_operations t(engine);
    t.submit(*t.op_a, 0);
    t.submit(*t.op_b, 0);
    // Both first batches are held inside their networks at once: two workers run them.
    ASSERT_TRUE(entered_within(t.ga, 10s));
    ASSERT_TRUE(entered_within(t.gb, 10s));
    EXPECT_EQ(engine.counters().most_concurrent, 2u);
    // The third worker is free, but op_a's next request waits for op_a's running batch.
    t.submit(*t.op_a, 1);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(t.batches_a, 1);
    t.ga.release();
    t.gb.release();
    ASSERT_TRUE(eventually([&] { return t.delivered == 3; }));
    EXPECT_EQ(t.batches_a, 2);
    EXPECT_EQ(engine.counters().most_concurrent, 2u);
}

TEST(Inference, OperationsSharingANetworkNeverRunAtOnce)
{
    // A facade's encoder and decoder share its one model (and move it between devices).
    inference_engine engine;
    inference_settings s;
    s.workers = 2;
    engine.configure(s);
    const int network = 0;
    two_held_operations t(engine, &network);
    t.submit(*t.op_a, 0);
    ASSERT_TRUE(entered_within(t.ga, 10s));
    t.submit(*t.op_b, 0);
    EXPECT_FALSE(entered_within(t.gb, 100ms)); // a worker is free, the network is not
    EXPECT_EQ(t.batches_b, 0);
    t.ga.release();
    ASSERT_TRUE(entered_within(t.gb, 10s));
    t.gb.release();
    ASSERT_TRUE(eventually([&] { return t.delivered == 2; }));
    EXPECT_EQ(engine.counters().most_concurrent, 1u);
}

TEST(Inference, AutomaticWorkersAreOnePerThreadAtMostOnePerOperation)
{
    for (const int threads : { 1, 2 }) {
        inference_engine engine;
        inference_settings s; // workers 0: automatic
        s.threads = threads;
        engine.configure(s);
        two_held_operations t(engine);
        t.submit(*t.op_a, 0);
        ASSERT_TRUE(entered_within(t.ga, 10s));
        t.submit(*t.op_b, 0);
        // One thread: one worker, held in op_a; two threads: a second worker runs op_b.
        EXPECT_EQ(entered_within(t.gb, threads == 1 ? 100ms : 10s), threads == 2)
            << threads << " threads";
        t.ga.release();
        t.gb.release();
        ASSERT_TRUE(eventually([&] { return t.delivered == 2; }));
        EXPECT_EQ(engine.counters().most_concurrent, uint64_t(threads));
        EXPECT_EQ(engine.counters().threads, 1); // each worker's share of the threads
    }
}

TEST(Inference, WaitingRequestsRunAsBatchesOfAtMostMaxBatch)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 8;
    s.queue_capacity = 100;
    engine.configure(s);
    gate g;
    doubler net;
    auto op_ptr = gated_doubler(g, net, engine);
    auto& op = *op_ptr;
    std::atomic<int> done { 0 };
    op.submit({ 0, 0 }, [&](outcome<int>&&) { ++done; });
    g.wait_entered(); // the worker holds request 0; the next 40 wait together
    for (int i = 1; i <= 40; ++i)
        op.submit({ 0, i }, [&](outcome<int>&&) { ++done; });
    g.release();
    ASSERT_TRUE(eventually([&] { return done == 41; }));
    const std::vector<size_t> expected { 1, 8, 8, 8, 8, 8 };
    EXPECT_EQ(net.batch_sizes, expected);
    EXPECT_EQ(engine.counters().batches, 6u);
    EXPECT_EQ(engine.counters().largest_batch, 8u);
}

// The warm-up runs each operation that has a sample at every batch size up to max_batch,
// on a thread with a worker's share of the threads, counts as no request, and leaves the
// operations serving as before.
TEST(Inference, WarmUpRunsEveryBatchSizeOfOperationsWithASample)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 5;
    s.threads = 2;
    s.workers = 2;
    engine.configure(s);
    doubler with_sample, without_sample;
    batched_operation<request, int> warmed([&](auto& b) { return with_sample(b); }, engine);
    batched_operation<request, int> cold([&](auto& b) { return without_sample(b); }, engine);
    warmed.set_warm_up_sample({ 0, 21 });
    EXPECT_EQ(engine.warm_up(), 5u);
    const std::vector<size_t> every_size { 1, 2, 3, 4, 5 };
    EXPECT_EQ(with_sample.batch_sizes, every_size);
    EXPECT_TRUE(without_sample.batch_sizes.empty());
    EXPECT_EQ(engine.counters().submitted, 0u);
    EXPECT_EQ(engine.counters().batches, 0u);
    EXPECT_EQ(warmed.call({ 0, 4 }), 8);
    EXPECT_EQ(cold.call({ 0, 5 }), 10);
}

TEST(Inference, LoneRequestWaitsAtMostMaxWait)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 64;
    s.max_wait_ms = 20;
    engine.configure(s);
    doubler net;
    batched_operation<request, int> op([&](auto& b) { return net(b); }, engine);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(op.call({ 0, 21 }), 42);
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, 19ms); // it waited for company ...
    EXPECT_LT(waited, 2s); // ... but not for a full batch
}

TEST(Inference, FullQueueDropsAndCountsUnderTheDropPolicy)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 1;
    s.queue_capacity = 4;
    s.when_full = queue_full_policy::drop;
    engine.configure(s);
    gate g;
    doubler net;
    auto op_ptr = gated_doubler(g, net, engine);
    auto& op = *op_ptr;
    std::atomic<int> done { 0 };
    ASSERT_TRUE(op.submit({ 0, 0 }, [&](outcome<int>&&) { ++done; }));
    g.wait_entered();
    int accepted = 0;
    for (int i = 1; i <= 10; ++i)
        accepted += op.submit({ 0, i }, [&](outcome<int>&&) { ++done; }) ? 1 : 0;
    EXPECT_EQ(accepted, 4);
    EXPECT_EQ(engine.counters().dropped, 6u);
    g.release();
    ASSERT_TRUE(eventually([&] { return done == 5; }));
    EXPECT_TRUE(eventually([&] { return engine.counters().completed == 5u; }));
}

TEST(Inference, FullQueueMakesTheSubmitterWaitUnderTheWaitPolicy)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 1;
    s.queue_capacity = 2;
    engine.configure(s); // wait is the default
    gate g;
    doubler net;
    auto op_ptr = gated_doubler(g, net, engine);
    auto& op = *op_ptr;
    std::atomic<int> done { 0 }, submitted { 0 };
    op.submit({ 0, 0 }, [&](outcome<int>&&) { ++done; });
    g.wait_entered();
    std::thread submitter([&] {
        for (int i = 1; i <= 6; ++i) {
            EXPECT_TRUE(op.submit({ 0, i }, [&](outcome<int>&&) { ++done; }));
            ++submitted;
        }
    });
    ASSERT_TRUE(eventually([&] { return submitted == 2; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(submitted, 2) << "a full queue let a submission through";
    g.release();
    submitter.join();
    ASSERT_TRUE(eventually([&] { return done == 7; }));
    EXPECT_EQ(engine.counters().dropped, 0u);
}

TEST(Inference, FailuresReachTheirRequestsAndCallThrows)
{
    inference_engine engine;
    batched_operation<request, int> op(
        [](std::vector<request>& batch) {
            std::vector<outcome<int>> out;
            for (const auto& r : batch)
                out.push_back(r.index < 0 ? outcome<int>::failure("negative index")
                                          : outcome<int> { r.index, "" });
            return out;
        },
        engine);
    EXPECT_EQ(op.call({ 0, 5 }), 5);
    try {
        op.call({ 0, -1 });
        FAIL() << "no error";
    } catch (const error& e) {
        EXPECT_STREQ(e.what(), "negative index");
    }
    batched_operation<request, int> throwing(
        [](std::vector<request>&) -> std::vector<outcome<int>> {
            throw std::runtime_error("network exploded");
        },
        engine);
    EXPECT_THROW(throwing.call({ 0, 1 }), error);
    // Counters are updated once a batch's callbacks have run: soon after call returns.
    EXPECT_TRUE(eventually([&] { return engine.counters().failed == 2u; }));
    // A callback that throws is counted; the worker carries on.
    std::atomic<bool> later { false };
    op.submit({ 0, 1 }, [](outcome<int>&&) { throw std::runtime_error("bad callback"); });
    op.submit({ 0, 2 }, [&](outcome<int>&&) { later = true; });
    ASSERT_TRUE(eventually([&] { return later.load(); }));
    EXPECT_TRUE(eventually([&] { return engine.counters().callback_failures == 1u; }));
}

TEST(Inference, ThreadSettingTakesEffectOnTheWorker)
{
    inference_engine engine;
    doubler net;
    batched_operation<request, int> op([&](auto& b) { return net(b); }, engine);
    inference_settings s;
    s.threads = 2;
    engine.configure(s);
    op.call({ 0, 1 });
    EXPECT_EQ(engine.counters().threads, 2);
    s.threads = 1;
    engine.configure(s);
    op.call({ 0, 1 });
    EXPECT_EQ(engine.counters().threads, 1);
}

TEST(Inference, DestroyingAnOperationDiscardsItsWaitingRequests)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 1;
    engine.configure(s);
    gate g;
    doubler net;
    std::atomic<int> delivered { 0 };
    auto op = std::make_unique<batched_operation<request, int>>(
        [&](auto& b) {
            g.pass();
            return net(b);
        },
        engine);
    op->submit({ 0, 0 }, [&](outcome<int>&&) { ++delivered; });
    g.wait_entered();
    for (int i = 1; i < 5; ++i)
        op->submit({ 0, i }, [&](outcome<int>&&) { ++delivered; });
    std::thread release([&] {
        std::this_thread::sleep_for(20ms);
        g.release();
    });
    op.reset(); // waits for the running batch, discards the four waiting
    release.join();
    EXPECT_EQ(delivered, 1);
}

TEST(Inference, BadSettingsAreClearErrors)
{
    inference_engine engine;
    inference_settings s;
    s.max_batch = 0;
    EXPECT_THROW(engine.configure(s), error);
    s = {};
    s.max_wait_ms = -1;
    EXPECT_THROW(engine.configure(s), error);
    s = {};
    s.queue_capacity = 0;
    EXPECT_THROW(engine.configure(s), error);
    s = {};
    s.device = "tpu";
    EXPECT_THROW(engine.configure(s), error);
    s.device = "cuda:x";
    EXPECT_THROW(engine.configure(s), error);
    s = {};
    s.workers = -1;
    EXPECT_THROW(engine.configure(s), error);
    s.workers = 65;
    EXPECT_THROW(engine.configure(s), error);
    EXPECT_THROW(parse_queue_full_policy("sometimes"), error);
    EXPECT_EQ(parse_queue_full_policy("drop"), queue_full_policy::drop);
    EXPECT_EQ(engine.settings().max_batch, inference_settings {}.max_batch); // unchanged
}
