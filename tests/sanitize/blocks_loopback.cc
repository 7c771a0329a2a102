/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The blocks under a sanitizer (run.sh: AddressSanitizer + UBSan in CI,
// ThreadSanitizer by hand): Alice's and Bob's chains of the loopback (image_source →
// jscc_encoder ×2 → inn_embed → ofdm_frame_tx → ofdm_frame_rx → inn_extract →
// jscc_decoder → image_sink, and Eve's naive decoder on the same frames) in GNU Radio's
// thread-per-block scheduler, while the main thread reads every block's counters as the apps
// and the QA do. Built in C++ so that ThreadSanitizer can run it too (a preloaded TSan
// runtime crashes Debian's python3).
// Usage: blocks_loopback PRIVATE_IMAGES HOST_IMAGES COUNT
#include <gnuradio/semsteg/image_sink.h>
#include <gnuradio/semsteg/image_source.h>
#include <gnuradio/semsteg/inference_engine.h>
#include <gnuradio/semsteg/inn_embed.h>
#include <gnuradio/semsteg/inn_extract.h>
#include <gnuradio/semsteg/jscc_decoder.h>
#include <gnuradio/semsteg/jscc_encoder.h>
#include <gnuradio/semsteg/ofdm_frame_rx.h>
#include <gnuradio/semsteg/ofdm_frame_tx.h>
#include <gnuradio/top_block.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

using namespace gr::semsteg;

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: blocks_loopback PRIVATE_IMAGES HOST_IMAGES COUNT\n");
        return 2;
    }
    const uint64_t count = std::stoull(argv[3]);
    auto tb = gr::make_top_block("blocks_loopback");
    auto priv = image_source::make(argv[1], 64, 1.0, 0.05, true, 0, "private");
    auto host = image_source::make(argv[2], 64, 1.0, 0.05, true, 0, "host");
    auto enc_p = jscc_encoder::make("jscc_awgn10.safetensors", 1);
    auto enc_h = jscc_encoder::make("jscc_awgn10.safetensors", 1);
    auto embed = inn_embed::make("inn_awgn10.safetensors", 1, 4);
    auto tx = ofdm_frame_tx::make(2, 200);
    auto rx = ofdm_frame_rx::make();
    auto extract = inn_extract::make("inn_awgn10.safetensors", "auto", 1);
    auto bob = jscc_decoder::make("jscc_awgn10.safetensors", "bob", 1);
    auto eve = jscc_decoder::make("jscc_awgn10.safetensors", "eve_naive", 1);
    auto bob_sink = image_sink::make("", "bob", 64, false);
    auto eve_sink = image_sink::make("", "eve_naive", 64, false);

    tb->msg_connect(priv, "out", enc_p, "in");
    tb->msg_connect(host, "out", enc_h, "in");
    tb->msg_connect(enc_p, "out", embed, "private");
    tb->msg_connect(enc_h, "out", embed, "host");
    tb->msg_connect(embed, "out", tx, "in");
    tb->connect(tx, 0, rx, 0);
    tb->msg_connect(rx, "out", extract, "in");
    tb->msg_connect(extract, "out", bob, "in");
    tb->msg_connect(bob, "out", bob_sink, "in");
    tb->msg_connect(priv, "out", bob_sink, "ref");
    tb->msg_connect(rx, "out", eve, "in");
    tb->msg_connect(eve, "out", eve_sink, "in");

    // Two threads: the engine's automatic setting runs two workers, so batches of different
    // networks (and their results' callbacks) run at once, as on any multi-core machine.
    configure_inference(2);
    tb->start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    uint64_t polls = 0, seen = 0;
    while (bob_sink->received() < count && std::chrono::steady_clock::now() < deadline) {
        // What the apps' progress loops and the QA read while the flowgraph runs.
        seen += priv->images_sent() + enc_p->encoded() + embed->embedded() + tx->frames_sent()
            + rx->delivered() + rx->seq_gaps() + rx->seq_restarts()
            + static_cast<uint64_t>(rx->last_seq() + 1) + extract->extracted()
            + bob->decoded() + eve_sink->received() + bob_sink->measured();
        ++polls;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    tb->stop();
    tb->wait();
    std::printf(
        "blocks_loopback: Bob %llu images (PSNR %.2f dB over %llu measured), Eve %llu, "
        "%llu frames sent, %llu delivered, %llu counter polls\n",
        (unsigned long long)bob_sink->received(),
        bob_sink->measured() ? bob_sink->mean_psnr_db() : 0.0,
        (unsigned long long)bob_sink->measured(),
        (unsigned long long)eve_sink->received(),
        (unsigned long long)tx->frames_sent(),
        (unsigned long long)rx->delivered(),
        (unsigned long long)polls);
    (void)seen;
    return bob_sink->received() >= count ? 0 : 1;
}
