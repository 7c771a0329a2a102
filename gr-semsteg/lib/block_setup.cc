/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "block_setup.h"
#include <semsteg/threads.h>

namespace gr {
namespace semsteg {

void set_engine_threads(int n)
{
    if (n > 0) {
        auto& engine = ::semsteg::inference_engine::instance();
        auto settings = engine.settings();
        settings.threads = n;
        engine.configure(settings);
    }
}

std::optional<::semsteg::stego_key> load_block_key(const gr::logger_ptr& logger,
                                                   const std::string& key_file,
                                                   const std::string& passphrase)
{
    return ::semsteg::load_key(key_file, passphrase, [&](const std::string& warning) {
        logger->warn("{}", warning);
    });
}

} // namespace semsteg
} // namespace gr
