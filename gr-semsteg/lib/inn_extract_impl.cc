/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "inn_extract_impl.h"
#include "block_setup.h"
#include "pdu_convert.h"
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>

namespace gr {
namespace semsteg {

inn_extract::sptr inn_extract::make(const std::string& model_path,
                                    const std::string& lost_mode,
                                    int threads,
                                    const std::string& key_file,
                                    const std::string& passphrase)
{
    return gnuradio::make_block_sptr<inn_extract_impl>(
        model_path, lost_mode, threads, key_file, passphrase);
}

inn_extract_impl::inn_extract_impl(const std::string& model_path,
                                   const std::string& lost_mode,
                                   int threads,
                                   const std::string& key_file,
                                   const std::string& passphrase)
    : gr::block("inn_extract", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_key(load_block_key(d_logger, key_file, passphrase))
    , d_inn(model_path, lost_mode, d_key ? &*d_key : nullptr)
{
    if (d_key) // named by its fingerprint only, once the INN has accepted it
        d_logger->info("keyed hiding with key {}", d_key->fingerprint());
    set_engine_threads(threads);
    message_port_register_in(pmt::mp("in"));
    message_port_register_out(pmt::mp("out"));
    set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle(msg); });
}

void inn_extract_impl::handle(const pmt::pmt_t& msg)
{
    handle_or_drop(d_logger, "inn_extract", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        auto container = pdu_to_symbols(pdu);
        uint64_t nonce = 0;
        if (d_inn.keyed()) {
            const auto from_header = meta_uint64(pdu.meta, ::semsteg::keys::nonce);
            if (!from_header)
                throw std::invalid_argument(
                    "a container without a nonce (the keyed INN needs the one it was sent "
                    "with, from the frame header)");
            nonce = *from_header;
        }
        const auto meta = meta_set(pdu.meta, ::semsteg::keys::role, pmt::intern("bob"));
        submit_then_publish<::semsteg::symbol_vector>(
            d_logger,
            "inn_extract",
            d_dropped,
            d_gate,
            [&](auto done) {
                return d_inn.submit_extract(std::move(container), nonce, std::move(done));
            },
            [this, meta](const ::semsteg::symbol_vector& secret) {
                message_port_pub(pmt::mp("out"), symbols_to_pdu(secret, meta));
                ++d_extracted;
            });
    });
}

} // namespace semsteg
} // namespace gr
