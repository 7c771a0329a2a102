/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The gnuradio.semsteg Python module: the blocks and the metadata keys.

#include <gnuradio/semsteg/inference_engine.h>
#include <pybind11/complex.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <semsteg/channel.h>
#include <semsteg/error.h>
#include <semsteg/image.h>
#include <semsteg/metadata_keys.h>
#include <semsteg/model_file.h>
#include <semsteg/model_locator.h>
#include <semsteg/receiver_report.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>

namespace py = pybind11;

void bind_ofdm_frame_tx(py::module& m);
void bind_ofdm_frame_rx(py::module& m);
void bind_image_source(py::module& m);
void bind_jscc_encoder(py::module& m);
void bind_inn_embed(py::module& m);
void bind_inn_extract(py::module& m);
void bind_jscc_decoder(py::module& m);
void bind_mia_decoder(py::module& m);
void bind_image_sink(py::module& m);

PYBIND11_MODULE(semsteg_python, m)
{
    // gr::block and friends are registered by gnuradio.gr.
    py::module::import("gnuradio.gr");

    bind_ofdm_frame_tx(m);
    bind_ofdm_frame_rx(m);
    bind_image_source(m);
    bind_jscc_encoder(m);
    bind_inn_embed(m);
    bind_inn_extract(m);
    bind_jscc_decoder(m);
    bind_mia_decoder(m);
    bind_image_sink(m);

    m.def(
        "locate_model",
        [](const std::string& path) {
            try {
                return semsteg::locate_model(path);
            } catch (const semsteg::error& e) {
                throw py::value_error(e.what());
            }
        },
        py::arg("path"),
        "The model file `path` names, as the blocks find it: an existing file as it is, "
        "else its file name in $SEMSTEG_MODELS, the installed models, then the source "
        "tree's models/ (semsteg/model_locator.h). ValueError naming every place looked in.");
    m.def(
        "inn_file_is_keyed",
        [](const std::string& path) {
            try {
                return semsteg::facade::inn::file_is_keyed(path);
            } catch (const semsteg::error& e) {
                throw py::value_error(e.what());
            }
        },
        py::arg("path"),
        "Whether the INN file `path` (found as locate_model finds it) is keyed, from its "
        "header alone. ValueError for a missing or damaged file or one that is no INN.");
    m.def(
        "check_inn_codec",
        [](const std::string& inn_path,
           const std::string& codec_path,
           const std::string& private_codec_path) {
            try {
                semsteg::check_inn_codecs(inn_path, codec_path, private_codec_path);
            } catch (const semsteg::error& e) {
                throw py::value_error(e.what());
            }
        },
        py::arg("inn_path"),
        py::arg("codec_path"),
        py::arg("private_codec_path") = "",
        "Refuses (ValueError) an INN file that records the codec it was trained with when "
        "codec_path is another one, and one whose payload has a private codec of its own "
        "when private_codec_path is not that codec (\"\": none given; "
        "semsteg/model_file.h).");
    m.def(
        "inn_private_codec",
        [](const std::string& inn_path) {
            try {
                return semsteg::locate_inn_private_codec(inn_path);
            } catch (const semsteg::error& e) {
                throw py::value_error(e.what());
            }
        },
        py::arg("inn_path"),
        "The private codec the INN file names (beside it, else found as locate_model "
        "finds a model), or \"\" when its payload is the public codec's latent. ValueError "
        "when it names one that cannot be found (semsteg/model_file.h).");
    m.def(
        "key_file_or_demo",
        [](const std::string& key_file, const std::string& passphrase, bool inn_keyed) {
            return semsteg::key_file_or_demo(key_file, passphrase, inn_keyed);
        },
        py::arg("key_file"),
        py::arg("passphrase"),
        py::arg("inn_keyed"),
        "The key file a program runs with: key_file as given, or the demo key's name when "
        "neither key_file nor passphrase was given for a keyed INN (semsteg/stego_key.h).");
    m.attr("demo_key_name") = semsteg::demo_key_name;
    // The shipped defaults (semsteg/model_locator.h), for the programs and the GRC check.
    m.attr("default_codec") = semsteg::default_models::codec;
    m.attr("default_inn") = semsteg::default_models::inn;
    m.attr("default_mia") = semsteg::default_models::mia;
    m.def("model_search_path",
          &semsteg::model_search_path,
          "The folders a bare model name is looked up in, in order.");
    m.def("configure_inference",
          &gr::semsteg::configure_inference,
          py::arg("threads") = 1,
          py::arg("max_batch") = 16,
          py::arg("max_wait_ms") = 1.0,
          py::arg("queue_capacity") = 64,
          py::arg("queue_full") = "wait",
          py::arg("device") = "cpu",
          py::arg("workers") = 0,
          "Sets the process's inference engine (every neural block's networks run on it): "
          "LibTorch threads (<= 0: one per core), the largest batch, how long a lone "
          "request waits for others, requests waiting per network, what a full queue does "
          "(wait or drop), the device (cpu, cuda, cuda:N) and the workers (batches of "
          "different networks at once, each with threads / workers of the threads; 0: one "
          "per thread, no more than there are networks). ValueError on a bad setting.");
    m.def("warm_up_inference",
          &gr::semsteg::warm_up_inference,
          "Runs every network of the blocks made so far at every batch size up to the "
          "largest batch (LibTorch builds its kernels per shape on first use): call it "
          "after making the flowgraph and before starting it. Returns the batches run.");
    m.def(
        "inference_stats",
        [] {
            const auto s = gr::semsteg::get_inference_stats();
            py::dict d;
            d["submitted"] = s.submitted;
            d["completed"] = s.completed;
            d["failed"] = s.failed;
            d["dropped"] = s.dropped;
            d["batches"] = s.batches;
            d["largest_batch"] = s.largest_batch;
            d["most_concurrent"] = s.most_concurrent;
            d["threads"] = s.threads;
            return d;
        },
        "What the inference engine has done: requests submitted, completed, failed and "
        "dropped, batches run, the largest batch, the most batches run at once, the "
        "LibTorch threads of the last batch's worker.");
    m.def(
        "tile_png",
        [](const std::vector<std::string>& paths,
           int cols,
           const std::string& out,
           const std::vector<std::string>& labels,
           int min_tile_side) {
            std::vector<semsteg::image> images;
            for (const auto& p : paths)
                images.push_back(semsteg::load_image(p));
            semsteg::save_png(out,
                              semsteg::labelled_grid(images, cols, labels, min_tile_side));
        },
        py::arg("paths"),
        py::arg("cols"),
        py::arg("out"),
        py::arg("labels") = std::vector<std::string> {},
        py::arg("min_tile_side") = 128,
        "Tiles image files (all the same size) into a grid PNG, row by row, each tile "
        "enlarged to at least min_tile_side pixels, under a header naming the columns "
        "(labels: one per column, or none).");
    // The one channel specification (semsteg/channel.h) and its adapter for GNU Radio's
    // channels.channel_model, which the flowgraphs use (flowgraphs.channel).
    using semsteg::channel_config;
    py::class_<channel_config>(
        m,
        "channel_config",
        "A channel as gr-semsteg specifies it everywhere (semsteg/channel.h): SNR as Es/N0 "
        "per complex symbol (per occupied subcarrier on the air), CFO in subcarrier "
        "spacings, sample-spaced taps scaled to unit energy, a fractional delay, a sample-"
        "clock ratio.")
        .def_static("parse",
                    &channel_config::parse,
                    py::arg("text"),
                    "From the text form, e.g. 'awgn:10,cfo=0.2,taps=1;0;0.3j'.")
        .def("to_string", &channel_config::to_string)
        .def("__str__", &channel_config::to_string)
        .def_readonly("snr_db", &channel_config::snr_db)
        .def_readonly("cfo_subcarriers", &channel_config::cfo_subcarriers)
        .def_readonly("timing_offset", &channel_config::timing_offset)
        .def_readonly("clock_ratio", &channel_config::clock_ratio)
        .def("unit_energy_taps", &channel_config::unit_energy_taps)
        .def_static("noise_variance", &channel_config::noise_variance, py::arg("snr_db"))
        .def(
            "channel_model_args",
            [](const channel_config& c, int fft_len) {
                if (c.type == channel_config::kind::rayleigh || c.snr_range())
                    throw semsteg::error("channel '" + c.to_string()
                                         + "': a flowgraph channel takes AWGN at one SNR "
                                           "(fading: give multipath taps)");
                if (c.timing_offset != 0.0)
                    throw semsteg::error(
                        "channel '" + c.to_string()
                        + "': GNU Radio's channel_model has no fractional delay (a "
                          "sample-clock offset: clock=)");
                if (fft_len < 1)
                    throw semsteg::error("fft_len must be positive");
                py::dict d;
                d["noise_voltage"] = c.type == channel_config::kind::none
                    ? 0.0
                    : std::sqrt(channel_config::noise_variance(c.snr_db));
                d["frequency_offset"] = c.cfo_subcarriers / fft_len;
                d["epsilon"] = c.clock_ratio;
                d["taps"] = c.unit_energy_taps();
                return d;
            },
            py::arg("fft_len"),
            "Keyword arguments of channels.channel_model (noise_seed aside) for this channel "
            "on frames of fft_len: noise voltage √N0 per sample (= per occupied carrier: "
            "unit "
            "power per carrier, unitary FFT), CFO in cycles per sample, the clock ratio, "
            "unit-"
            "energy taps.");

    // Through Python's own json module: any JSON-serialisable dict or list is accepted, in
    // its order, and refused with Python's message otherwise.
    const auto to_json = [](const py::object& o) {
        return nlohmann::ordered_json::parse(
            py::module::import("json").attr("dumps")(o).cast<std::string>());
    };
    const auto to_rows = [to_json](const py::object& receivers) {
        const auto rows_json = to_json(receivers);
        if (!rows_json.is_array())
            throw semsteg::error("receiver report: receivers must be a list");
        std::vector<semsteg::receiver_scores> rows;
        for (const auto& r : rows_json)
            rows.push_back(semsteg::receiver_scores::from_json(r));
        return rows;
    };
    m.def(
        "receiver_table",
        [to_rows](const py::object& receivers) {
            return semsteg::receiver_table(to_rows(receivers));
        },
        py::arg("receivers"),
        "The Markdown table of write_receiver_report, alone.");
    m.def(
        "write_receiver_report",
        [to_rows, to_json](const std::string& folder,
                           const std::string& title,
                           const py::object& receivers,
                           const py::object& extra,
                           const std::string& notes) {
            return semsteg::write_receiver_report(
                folder, title, to_rows(receivers), to_json(extra), notes);
        },
        py::arg("folder"),
        py::arg("title"),
        py::arg("receivers"),
        py::arg("extra") = py::dict(),
        py::arg("notes") = "",
        "Writes folder/metrics.md and folder/metrics.json (semsteg/receiver_report.h, the "
        "writer semsteg-demo uses too): receivers is a list of dicts with 'receiver', "
        "'images' and the optional 'psnr_db', 'ms_ssim', 'psnr_db_host', 'ms_ssim_host' "
        "(None: not measured); extra a dict of further facts. Returns the Markdown table.");

    // semsteg::keys, so Python code never spells the metadata strings itself.
    py::module k = m.def_submodule("keys", "PDU metadata keys (semsteg/metadata_keys.h)");
    namespace keys = semsteg::keys;
    for (const char* key : { keys::seq,           keys::image_id,
                             keys::num_symbols,   keys::payload_ofdm_symbols,
                             keys::flags,         keys::nonce,
                             keys::snr_est_db,    keys::cfo_est,
                             keys::crc_ok,        keys::rx_sample,
                             keys::noise_var,     keys::role,
                             keys::shape,         keys::width,
                             keys::height,        keys::source_path,
                             keys::host_image_id, keys::psnr_db,
                             keys::ms_ssim,       keys::psnr_db_host,
                             keys::latency_s,     keys::ms_ssim_host,
                             keys::tx_sob,        keys::tx_eob,
                             keys::packet_len })
        k.attr(key) = key;
}
