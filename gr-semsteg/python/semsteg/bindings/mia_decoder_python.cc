/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/mia_decoder.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_mia_decoder(py::module& m)
{
    using mia_decoder = gr::semsteg::mia_decoder;
    py::class_<mia_decoder, gr::block, gr::basic_block, std::shared_ptr<mia_decoder>>(
        m, "mia_decoder", "Eve model-inversion decoder: received symbols to image PDU.")
        .def(py::init(&mia_decoder::make),
             py::arg("model_path"),
             py::arg("role") = "eve_mia",
             py::arg("threads") = 0)
        .def("decoded", &mia_decoder::decoded)
        .def("dropped", &mia_decoder::dropped);
}
