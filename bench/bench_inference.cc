/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The networks' batched capacity on this machine, without GNU Radio: the seven network
// passes the loopback makes per image (two encodings, embedding, extraction, Bob's and
// Eve's decodings, Eve's inverse network), each run on the inference engine in batches of
// BATCH, as the blocks use them (one facade of semantic.h per block, as in the flowgraph).
// Two chunks of BATCH images are in flight at once, at different stages, as a flowgraph
// has images at every stage (what lets several workers run at once). The ceiling the GNU
// Radio loopback is measured against (bench/loopback_throughput.py).
// Usage: bench_inference THREADS BATCH IMAGES [WORKERS [MODELS_DIR]]
#include <semsteg/inference.h>
#include <semsteg/model_locator.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>

using namespace semsteg;

namespace {

// Counts results of one stage; wait() returns when all have arrived.
class stage
{
public:
    explicit stage(size_t n) : d_left(n) { }
    template <class T>
    std::function<void(outcome<T>&&)> slot(T& out)
    {
        return [this, &out](outcome<T>&& r) {
            if (!r.ok()) {
                std::fprintf(stderr, "bench_inference: %s\n", r.error.c_str());
                std::exit(1);
            }
            out = std::move(*r.value);
            std::lock_guard<std::mutex> lock(d_mutex);
            if (--d_left == 0)
                d_done.notify_all();
        };
    }
    void wait()
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        d_done.wait(lock, [&] { return d_left == 0; });
    }

private:
    std::mutex d_mutex;
    std::condition_variable d_done;
    size_t d_left;
};

} // namespace

int main(int argc, char** argv)
{
    if (argc < 4) {
        std::fprintf(stderr,
                     "usage: bench_inference THREADS BATCH IMAGES [WORKERS [MODELS_DIR]]\n");
        return 2;
    }
    inference_settings s;
    s.threads = std::atoi(argv[1]);
    s.max_batch = std::atoi(argv[2]);
    s.queue_capacity = static_cast<size_t>(std::max(1, 4 * s.max_batch));
    const int images = std::atoi(argv[3]);
    s.workers = argc > 4 ? std::atoi(argv[4]) : 0;
    const std::string models = argc > 5 ? std::string(argv[5]) + "/" : "";
    try {
        inference_engine::instance().configure(s);
        // The loopback's networks: the shipped defaults, under a key of their own.
        const auto model = [&](const char* name) {
            return models.empty() ? locate_model(name) : models + name;
        };
        const auto codec_file = model(default_models::codec);
        const auto inn_file = model(default_models::inn);
        const auto key = stego_key::generate();
        const stego_key* inn_key = facade::inn::file_is_keyed(inn_file) ? &key : nullptr;
        facade::jscc_codec private_encoder(codec_file), host_encoder(codec_file);
        facade::jscc_codec bob_decoder(codec_file), eve_decoder(codec_file);
        facade::inn embedder(inn_file, "auto", inn_key), extractor(inn_file, "auto", inn_key);
        facade::mia mia(model(default_models::mia));
        const size_t batch = static_cast<size_t>(s.max_batch);
        std::mt19937 seeds(1);
        std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
        const int side = private_encoder.image_side();
        std::vector<image> pictures(2 * batch, image(side, side));
        for (auto& p : pictures)
            for (auto& v : p.rgb)
                v = pixel(seeds);

        using clock = std::chrono::steady_clock;
        auto run_chunk = [&](std::mt19937& rng) {
            std::normal_distribution<float> noise(0.0f, 0.3f);
            std::vector<symbol_vector> priv(batch), host(batch), sent(batch), secret(batch);
            std::vector<image> bob(batch), eve(batch), eve_mia(batch);
            stage encoded(2 * batch);
            for (size_t i = 0; i < batch; ++i) {
                private_encoder.submit_encode(pictures[i], 10.0, encoded.slot(priv[i]));
                host_encoder.submit_encode(pictures[batch + i], 10.0, encoded.slot(host[i]));
            }
            encoded.wait();
            stage embedded(batch);
            for (size_t i = 0; i < batch; ++i)
                embedder.submit_embed(host[i], priv[i], i, embedded.slot(sent[i]));
            embedded.wait();
            for (auto& v : sent) // the channel: AWGN at ~10 dB
                for (auto& x : v)
                    x += std::complex<float>(noise(rng), noise(rng));
            stage extracted(batch);
            for (size_t i = 0; i < batch; ++i)
                extractor.submit_extract(sent[i], i, extracted.slot(secret[i]));
            extracted.wait();
            stage decoded(3 * batch);
            for (size_t i = 0; i < batch; ++i) {
                bob_decoder.submit_decode(secret[i], 10.0, decoded.slot(bob[i]));
                eve_decoder.submit_decode(sent[i], 10.0, decoded.slot(eve[i]));
                mia.submit_decode(sent[i], 10.0, decoded.slot(eve_mia[i]));
            }
            decoded.wait();
        };
        std::mt19937 warm_rng(2);
        run_chunk(warm_rng); // warm-up: allocator pools, first-touch
        const int chunks = std::max(2, images / s.max_batch) / 2 * 2;
        const auto t0 = clock::now();
        std::vector<std::thread> in_flight;
        for (unsigned lane = 0; lane < 2; ++lane)
            in_flight.emplace_back([&, lane] {
                std::mt19937 rng(10 + lane);
                for (int c = 0; c < chunks / 2; ++c)
                    run_chunk(rng);
            });
        for (auto& t : in_flight)
            t.join();
        const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
        // The sinks' measurements (PSNR and MS-SSIM against a reference), batched the same way.
        const int pairs = chunks * s.max_batch;
        std::vector<image_quality> qualities(static_cast<size_t>(pairs));
        const auto q0 = clock::now();
        stage measured(static_cast<size_t>(pairs));
        for (int i = 0; i < pairs; ++i)
            submit_quality(pictures[static_cast<size_t>(i) % batch],
                           pictures[batch + static_cast<size_t>(i) % batch],
                           measured.slot(qualities[static_cast<size_t>(i)]));
        measured.wait();
        const double quality_s = std::chrono::duration<double>(clock::now() - q0).count();
        const auto counters = inference_engine::instance().counters();
        std::printf("threads %d workers %d batch %d: %.1f images/s (%d images, 7 network "
                    "passes each, largest batch %llu, at most %llu batches at once)\n",
                    s.threads,
                    s.workers,
                    s.max_batch,
                    chunks * s.max_batch / seconds,
                    chunks * s.max_batch,
                    static_cast<unsigned long long>(counters.largest_batch),
                    static_cast<unsigned long long>(counters.most_concurrent));
        std::printf("quality (PSNR + MS-SSIM of 64x64 pairs): %.1f pairs/s\n",
                    pairs / quality_s);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_inference: %s\n", e.what());
        return 1;
    }
    return 0;
}
