/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_JSCC_ENCODER_IMPL_H
#define INCLUDED_SEMSTEG_JSCC_ENCODER_IMPL_H

#include "block_setup.h"
#include <atomic>
#include <gnuradio/semsteg/jscc_encoder.h>
#include <semsteg/semantic.h>

namespace gr {
namespace semsteg {

class jscc_encoder_impl : public gated_block<jscc_encoder>
{
public:
    jscc_encoder_impl(const std::string& model_path, int threads, double snr_db);
    uint64_t encoded() const override { return d_encoded; }
    uint64_t dropped() const override { return d_dropped; }
    int num_symbols() const override;

private:
    void handle(const pmt::pmt_t& msg);
    const double d_snr_db; //!< the SNR Alice targets (an SNR-adaptive codec's input)
    std::atomic<uint64_t> d_encoded { 0 };
    std::atomic<uint64_t> d_dropped { 0 };
    // The network last: destroyed first, it waits for a running batch whose results'
    // callbacks use the members above.
    ::semsteg::facade::jscc_codec d_codec;
};

} // namespace semsteg
} // namespace gr

#endif
