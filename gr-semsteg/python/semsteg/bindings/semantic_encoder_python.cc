/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/semantic_encoder.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_semantic_encoder(py::module& m)
{
    using semantic_encoder = gr::semsteg::semantic_encoder;
    py::class_<semantic_encoder,
               gr::block,
               gr::basic_block,
               std::shared_ptr<semantic_encoder>>(
        m, "semantic_encoder", "DeepJSCC encoder: image PDU to latent-symbol PDU.")
        .def(py::init(&semantic_encoder::make),
             py::arg("model_path"),
             py::arg("threads") = 0,
             py::arg("snr_db") = 10.0)
        .def("encoded", &semantic_encoder::encoded)
        .def("dropped", &semantic_encoder::dropped)
        .def("num_symbols", &semantic_encoder::num_symbols);
}
