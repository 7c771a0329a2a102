/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The gnuradio.semsteg Python module: the blocks and the metadata keys.

#include <pybind11/pybind11.h>
#include <semsteg/metadata_keys.h>

namespace py = pybind11;

void bind_ofdm_frame_tx(py::module& m);
void bind_ofdm_frame_rx(py::module& m);

PYBIND11_MODULE(semsteg_python, m)
{
    // gr::block and friends are registered by gnuradio.gr.
    py::module::import("gnuradio.gr");

    bind_ofdm_frame_tx(m);
    bind_ofdm_frame_rx(m);

    // semsteg::keys, so Python code never spells the metadata strings itself.
    py::module k = m.def_submodule("keys", "PDU metadata keys (semsteg/metadata_keys.h)");
    namespace keys = semsteg::keys;
    for (const char* key : { keys::seq,
                             keys::image_id,
                             keys::num_symbols,
                             keys::payload_ofdm_symbols,
                             keys::flags,
                             keys::snr_est_db,
                             keys::cfo_est,
                             keys::crc_ok,
                             keys::rx_sample,
                             keys::noise_var,
                             keys::role,
                             keys::shape,
                             keys::tx_sob,
                             keys::tx_eob,
                             keys::packet_len })
        k.attr(key) = key;
}
