/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/stego_extract.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_stego_extract(py::module& m)
{
    using stego_extract = gr::semsteg::stego_extract;
    py::class_<stego_extract, gr::block, gr::basic_block, std::shared_ptr<stego_extract>>(
        m, "stego_extract", "INN extraction: received container to the private latent (Bob).")
        .def(py::init(&stego_extract::make),
             py::arg("model_path"),
             py::arg("lost_mode") = "auto",
             py::arg("threads") = 0,
             py::arg("key_file") = "",
             py::arg("passphrase") = "")
        .def("extracted", &stego_extract::extracted)
        .def("dropped", &stego_extract::dropped);
}
