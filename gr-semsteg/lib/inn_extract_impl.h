/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_INN_EXTRACT_IMPL_H
#define INCLUDED_SEMSTEG_INN_EXTRACT_IMPL_H

#include "block_setup.h"
#include <atomic>
#include <gnuradio/semsteg/inn_extract.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>

#include <optional>

namespace gr {
namespace semsteg {

class inn_extract_impl : public gated_block<inn_extract>
{
public:
    inn_extract_impl(const std::string& model_path,
                     const std::string& lost_mode,
                     int threads,
                     const std::string& key_file,
                     const std::string& passphrase);
    uint64_t extracted() const override { return d_extracted; }
    uint64_t dropped() const override { return d_dropped; }

private:
    void handle(const pmt::pmt_t& msg);
    const std::optional<::semsteg::stego_key> d_key; // before d_inn, which uses it
    std::atomic<uint64_t> d_extracted { 0 };
    std::atomic<uint64_t> d_dropped { 0 };
    // The network last: destroyed first, it waits for a running batch whose results'
    // callbacks use the members above.
    ::semsteg::facade::inn d_inn;
};

} // namespace semsteg
} // namespace gr

#endif
