/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Codec training/inference throughput on random 64×64 batches (run by hand; see README).
#include <semsteg/latent_symbols.h>
#include <semsteg/nn.h>
#include <semsteg/threads.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 0;
    const int batch = argc > 2 ? std::atoi(argv[2]) : 64;
    semsteg::set_torch_threads(threads);
    semsteg::jscc_codec codec(semsteg::jscc_config {});
    torch::optim::Adam opt(codec->parameters(), torch::optim::AdamOptions(1e-3));
    auto x = torch::rand({ batch, 3, 64, 64 });
    using clk = std::chrono::steady_clock;
    clk::time_point t0;
    const int warmup = 2, iters = 6;
    for (int i = 0; i < warmup + iters; ++i) {
        if (i == warmup)
            t0 = clk::now();
        opt.zero_grad();
        auto z = codec->encode(x);
        auto loss = torch::mse_loss(codec->decode(z + 0.1 * torch::randn_like(z)), x);
        loss.backward();
        opt.step();
    }
    const double train_s = std::chrono::duration<double>(clk::now() - t0).count() / iters;
    torch::NoGradGuard ng;
    codec->eval();
    t0 = clk::now();
    for (int i = 0; i < iters; ++i)
        codec->decode(codec->encode(x));
    const double infer_s = std::chrono::duration<double>(clk::now() - t0).count() / iters;
    std::printf("threads %d batch %d: train %.1f img/s, encode+decode %.1f img/s\n",
                torch::get_num_threads(),
                batch,
                batch / train_s,
                batch / infer_s);
    return 0;
}
