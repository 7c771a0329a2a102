/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/stego_embed.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_stego_embed(py::module& m)
{
    using stego_embed = gr::semsteg::stego_embed;
    py::class_<stego_embed, gr::block, gr::basic_block, std::shared_ptr<stego_embed>>(
        m, "stego_embed", "INN embedding: (host, private) latents to the container latent.")
        .def(py::init(&stego_embed::make),
             py::arg("model_path"),
             py::arg("threads") = 0,
             py::arg("max_queue") = 64,
             py::arg("key_file") = "",
             py::arg("passphrase") = "")
        .def("embedded", &stego_embed::embedded)
        .def("dropped", &stego_embed::dropped);
}
