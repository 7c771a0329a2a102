/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/image_sink.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_image_sink(py::module& m)
{
    using image_sink = gr::semsteg::image_sink;
    py::class_<image_sink, gr::block, gr::basic_block, std::shared_ptr<image_sink>>(
        m,
        "image_sink",
        "Writes received images as PNG and measures them against references.")
        .def(py::init(&image_sink::make),
             py::arg("output_dir") = "",
             py::arg("prefix") = "image",
             py::arg("max_refs") = 1024,
             py::arg("log_each") = true,
             py::arg("measure") = true)
        .def("received", &image_sink::received)
        .def("dropped", &image_sink::dropped)
        .def("measured", &image_sink::measured)
        .def("mean_psnr_db", &image_sink::mean_psnr_db)
        .def("mean_ms_ssim", &image_sink::mean_ms_ssim)
        .def("measured_host", &image_sink::measured_host)
        .def("mean_psnr_db_host", &image_sink::mean_psnr_db_host)
        .def("mean_ms_ssim_host", &image_sink::mean_ms_ssim_host)
        .def("distinct_images", &image_sink::distinct_images)
        .def("latency_s",
             &image_sink::latency_s,
             py::arg("quantile"),
             "End-to-end latency quantile (seconds) of the images measured against a "
             "private reference (0.5: median, 0.99: p99); 0 when none.");
}
