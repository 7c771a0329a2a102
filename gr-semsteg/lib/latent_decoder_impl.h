/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_LATENT_DECODER_IMPL_H
#define INCLUDED_SEMSTEG_LATENT_DECODER_IMPL_H

#include "block_setup.h"
#include "pdu_convert.h"
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gr {
namespace semsteg {

/*!
 * Latent PDU in, image PDU out: the one implementation behind jscc_decoder (the public
 * decoder D) and mia_decoder (Eve's inverse network), which differ only in the network.
 * `Network` is a torch-free facade class with decode(const gr_complex*, size_t) → image.
 */
template <class Block, class Network>
class latent_decoder_impl : public gated_block<Block>
{
public:
    latent_decoder_impl(const char* name,
                        const std::string& model_path,
                        const std::string& role,
                        int threads,
                        double snr_db = 10.0,
                        bool snr_from_metadata = true)
        : gr::block(name, io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
        , d_name(name)
        , d_role(role)
        , d_snr_db(snr_db)
        , d_snr_from_metadata(snr_from_metadata)
        , d_net(model_path)
    {
        if (!std::isfinite(snr_db))
            throw std::invalid_argument(std::string(name) + ": the SNR must be finite");
        set_engine_threads(threads);
        this->message_port_register_in(pmt::mp("in"));
        this->message_port_register_out(pmt::mp("out"));
        this->set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle(msg); });
    }

    uint64_t decoded() const override { return d_decoded; }
    uint64_t dropped() const override { return d_dropped; }

private:
    void handle(const pmt::pmt_t& msg)
    {
        handle_or_drop(this->d_logger, d_name.c_str(), d_dropped, [&] {
            const auto pdu = split_pdu(msg);
            const auto meta = meta_set(pdu.meta, ::semsteg::keys::role, pmt::intern(d_role));
            submit_then_publish<::semsteg::image>(
                this->d_logger,
                d_name.c_str(),
                d_dropped,
                this->d_gate,
                [&](auto done) {
                    return d_net.submit_decode(
                        pdu_to_symbols(pdu), snr_of(pdu.meta), std::move(done));
                },
                [this, meta](const ::semsteg::image& img) {
                    this->message_port_pub(pmt::mp("out"), image_to_pdu(img, meta));
                    ++d_decoded;
                });
        });
    }

    //! The receiver's per-frame SNR estimate when there is one (and it is wanted).
    double snr_of(const pmt::pmt_t& meta) const
    {
        if (d_snr_from_metadata) {
            const auto v
                = pmt::dict_ref(meta, pmt::intern(::semsteg::keys::snr_est_db), pmt::PMT_NIL);
            if (pmt::is_real(v) || pmt::is_integer(v)) {
                const double snr = pmt::to_double(v);
                if (std::isfinite(snr))
                    return snr;
            }
        }
        return d_snr_db;
    }

    const std::string d_name;
    const std::string d_role;
    const double d_snr_db;
    const bool d_snr_from_metadata;
    std::atomic<uint64_t> d_decoded { 0 };
    std::atomic<uint64_t> d_dropped { 0 };
    // The network last: destroyed first, it waits for a running batch whose results'
    // callbacks use the members above.
    Network d_net;
};

} // namespace semsteg
} // namespace gr

#endif
