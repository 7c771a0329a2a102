/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/jscc_encoder.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_jscc_encoder(py::module& m)
{
    using jscc_encoder = gr::semsteg::jscc_encoder;
    py::class_<jscc_encoder, gr::block, gr::basic_block, std::shared_ptr<jscc_encoder>>(
        m, "jscc_encoder", "DeepJSCC encoder: image PDU to latent-symbol PDU.")
        .def(py::init(&jscc_encoder::make),
             py::arg("model_path"),
             py::arg("threads") = 0,
             py::arg("snr_db") = 10.0)
        .def("encoded", &jscc_encoder::encoded)
        .def("dropped", &jscc_encoder::dropped)
        .def("num_symbols", &jscc_encoder::num_symbols);
}
