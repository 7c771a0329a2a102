/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-model-info: prints what a model file holds (kind, configuration, training record,
// tensors, whether its data checksum was verified) as JSON, without LibTorch. Exit 1 with a
// clear message for a bad file. --add-checksum rewrites an older file with the checksum;
// --record-codec records in an INN file the codec it was trained with.

#include <semsteg/error.h>
#include <semsteg/model_file.h>

#include <CLI/CLI.hpp>

#include <filesystem>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app {
        "Print a gr-semsteg model file's kind, configuration and training record"
    };
    std::string path;
    bool tensors = false;
    app.add_option("file", path, "model file (.safetensors)")->required();
    bool add_checksum = false;
    std::string record_codec;
    app.add_flag("--tensors", tensors, "also list every tensor's name, dtype and shape");
    app.add_flag("--add-checksum",
                 add_checksum,
                 "rewrite the file (atomically, contents unchanged) with the SHA-256 of its "
                 "data in the header, for files written before the checksum existed");
    app.add_option(
        "--record-codec",
        record_codec,
        "INN file: record CODEC as the codec it was trained with (its data "
        "SHA-256, checked wherever the two are loaded together); rewrites the file "
        "atomically, weights unchanged");
    std::string record_private_codec;
    app.add_option(
        "--record-private-codec",
        record_private_codec,
        "INN file of a reduced payload: record CODEC as its private codec (data SHA-256 "
        "and file name, by which the programs find it beside the INN or among the "
        "models); rewrites the file atomically, weights unchanged");
    CLI11_PARSE(app, argc, argv);
    try {
        auto file = semsteg::read_model_file(path);
        if (!record_private_codec.empty()) {
            if (file.kind != semsteg::kind_inn)
                throw semsteg::error("--record-private-codec: '" + path
                                     + "' is no INN (kind '" + file.kind + "')");
            const auto codec
                = semsteg::read_model_file(record_private_codec, semsteg::kind_jscc);
            if (codec.data_sha256.empty())
                throw semsteg::error("--record-private-codec: '" + record_private_codec
                                     + "' carries no checksum (--add-checksum it first)");
            file.info[semsteg::inn_private_codec_key] = codec.data_sha256;
            file.info[semsteg::inn_private_codec_name_key]
                = std::filesystem::path(record_private_codec).filename().string();
            semsteg::write_model_file(path, file);
            file = semsteg::read_model_file(path);
        }
        if (!record_codec.empty()) {
            if (file.kind != semsteg::kind_inn)
                throw semsteg::error("--record-codec: '" + path + "' is no INN (kind '"
                                     + file.kind + "')");
            const auto codec = semsteg::read_model_file(record_codec, semsteg::kind_jscc);
            if (codec.data_sha256.empty())
                throw semsteg::error("--record-codec: '" + record_codec
                                     + "' carries no checksum (--add-checksum it first)");
            file.info[semsteg::inn_codec_key] = codec.data_sha256;
            semsteg::write_model_file(path, file);
            file = semsteg::read_model_file(path);
        }
        if (add_checksum && !file.checksummed) {
            semsteg::write_model_file(path, file);
            file = semsteg::read_model_file(path);
        }
        nlohmann::json out { { "file", path },
                             { "kind", file.kind },
                             { "config", file.config },
                             { "info", file.info },
                             { "data_sha256_verified", file.checksummed } };
        size_t params = 0;
        for (const auto& [name, t] : file.tensors) {
            size_t n = 1;
            for (auto d : t.shape)
                n *= static_cast<size_t>(d);
            params += n;
            if (tensors)
                out["tensors"][name] = { { "dtype", t.dtype }, { "shape", t.shape } };
        }
        out["parameters"] = params;
        std::cout << out.dump(2) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "semsteg-model-info: error: " << e.what() << "\n";
        return 1;
    }
}
