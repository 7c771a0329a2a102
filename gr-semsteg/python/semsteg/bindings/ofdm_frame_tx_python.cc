/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "frame_setup.h"
#include <gnuradio/semsteg/ofdm_frame_tx.h>
#include <pybind11/complex.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <semsteg/phy/frame_params.h>

namespace py = pybind11;

namespace {

namespace phy = semsteg::phy;

// The blocks' own conversion (frame_setup.h): same checks, ValueError naming the class.
phy::frame_params layout(int fft_len,
                         int cp_len,
                         const std::vector<int>& data_carriers,
                         const std::vector<int>& pilot_carriers,
                         const std::vector<std::complex<float>>& pilot_values,
                         bool header_qpsk,
                         int header_repetition)
{
    return gr::semsteg::frame_layout("ofdm_frame_params",
                                     fft_len,
                                     cp_len,
                                     data_carriers,
                                     pilot_carriers,
                                     pilot_values,
                                     header_qpsk,
                                     header_repetition);
}

} // namespace

void bind_ofdm_frame_tx(py::module& m)
{
    using defaults = gr::semsteg::ofdm_frame_defaults;
    using ofdm_frame_tx = gr::semsteg::ofdm_frame_tx;
    py::class_<ofdm_frame_tx, gr::block, gr::basic_block, std::shared_ptr<ofdm_frame_tx>>(
        m, "ofdm_frame_tx", "OFDM frame transmitter: latent-symbol PDUs in, bursts out.")
        .def(py::init(&ofdm_frame_tx::make),
             py::arg("warmup_frames") = 0,
             py::arg("pad_samples") = 0,
             py::arg("len_tag_key") = "packet_len",
             py::arg("fft_len") = defaults::fft_len,
             py::arg("cp_len") = defaults::cp_len,
             py::arg("data_carriers") = std::vector<int> {},
             py::arg("pilot_carriers") = std::vector<int> {},
             py::arg("pilot_values") = std::vector<gr_complex> {},
             py::arg("header_qpsk") = false,
             py::arg("header_repetition") = defaults::header_repetition)
        .def("frames_sent", &ofdm_frame_tx::frames_sent)
        .def("pdus_dropped", &ofdm_frame_tx::pdus_dropped)
        .def("burst_samples",
             &ofdm_frame_tx::burst_samples,
             py::arg("num_symbols"),
             "Samples of the burst (padding not included) that carries num_symbols latent "
             "symbols with this block's frame layout.");

    // The frame layout as the blocks take it, for geometry and power in Python (QA, tools).
    py::class_<phy::frame_params>(
        m,
        "ofdm_frame_params",
        "The OFDM frame layout of ofdm_frame_tx / ofdm_frame_rx (same arguments, same "
        "defaults, same checks; semsteg/phy/frame_params.h): geometry and power.")
        .def(py::init(&layout),
             py::arg("fft_len") = defaults::fft_len,
             py::arg("cp_len") = defaults::cp_len,
             py::arg("data_carriers") = std::vector<int> {},
             py::arg("pilot_carriers") = std::vector<int> {},
             py::arg("pilot_values") = std::vector<std::complex<float>> {},
             py::arg("header_qpsk") = false,
             py::arg("header_repetition") = defaults::header_repetition)
        .def_readonly("fft_len", &phy::frame_params::fft_len)
        .def_readonly("cp_len", &phy::frame_params::cp_len)
        .def_readonly("data_carriers", &phy::frame_params::data_carriers)
        .def_readonly("pilot_carriers", &phy::frame_params::pilot_carriers)
        .def_readonly("pilot_values", &phy::frame_params::pilot_values)
        .def_readonly("header_repetition", &phy::frame_params::header_repetition)
        .def_property_readonly("header_qpsk",
                               [](const phy::frame_params& p) {
                                   return p.header_mod == phy::header_modulation::qpsk;
                               })
        .def("symbol_len", &phy::frame_params::symbol_len)
        .def("num_data", &phy::frame_params::num_data)
        .def("occupied_carriers", &phy::frame_params::occupied_carriers)
        .def_readonly_static("preamble_ofdm_symbols", &phy::frame_params::preamble_symbols)
        .def("header_ofdm_symbols", &phy::frame_params::header_ofdm_symbols)
        .def("payload_ofdm_symbols",
             &phy::frame_params::payload_ofdm_symbols,
             py::arg("num_symbols"))
        .def("burst_samples",
             &phy::frame_params::burst_samples,
             py::arg("num_symbols"),
             "Samples of the burst (padding not included) for num_symbols latent symbols.")
        .def(
            "mean_burst_power",
            [](const phy::frame_params& p) {
                return static_cast<double>(p.occupied_carriers().size()) / p.fft_len;
            },
            "Time-domain mean power of a burst: unit power per occupied carrier through a "
            "unitary IFFT, occupied / fft_len.");
}
