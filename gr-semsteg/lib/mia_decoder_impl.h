/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_MIA_DECODER_IMPL_H
#define INCLUDED_SEMSTEG_MIA_DECODER_IMPL_H

#include <atomic>
#include <gnuradio/semsteg/mia_decoder.h>
#include <semsteg/semantic.h>

namespace gr {
namespace semsteg {

class mia_decoder_impl : public mia_decoder
{
public:
    mia_decoder_impl(const std::string& model_path, const std::string& role, int threads);
    uint64_t decoded() const override { return d_decoded; }
    uint64_t dropped() const override { return d_dropped; }

private:
    void handle(const pmt::pmt_t& msg);
    ::semsteg::inverse_network d_net;
    const std::string d_role;
    std::atomic<uint64_t> d_decoded { 0 };
    std::atomic<uint64_t> d_dropped { 0 };
};

} // namespace semsteg
} // namespace gr

#endif
