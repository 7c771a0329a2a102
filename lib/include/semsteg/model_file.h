/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_MODEL_FILE_H
#define INCLUDED_SEMSTEG_MODEL_FILE_H

/*!
 * \file model_file.h
 * The one place that defines gr-semsteg's model-file format (torch-free).
 *
 * The file is a plain safetensors file, so any safetensors reader (Python's `safetensors`,
 * Rust, numpy with a few lines) opens it, and no LibTorch version dependency exists:
 *
 *   bytes 0..7   : N, the JSON header length, unsigned 64-bit little endian
 *   bytes 8..8+N : UTF-8 JSON object, padded with spaces to a multiple of 8
 *   the rest     : the data buffer; tensors are stored little endian, row-major, contiguous
 *
 * The JSON header maps every tensor name to {"dtype": "F32" | "I64", "shape": [...],
 * "data_offsets": [begin, end]} (offsets relative to the data buffer), plus "__metadata__",
 * a string→string map that holds:
 *   "format"         : "semsteg-model"
 *   "format_version" : "1"
 *   "kind"           : what the network is: "jscc", "inn", "eve-mia", "eve-detector",
 *                      "eve-extractor" (kind_* below)
 *   "config"         : the architecture configuration as a JSON text (see nn.h's *_config)
 *   "data_sha256"    : the SHA-256 of the whole data buffer, lowercase hex (written by every
 *                      writer since session 7; verified at load when present, so a damaged
 *                      or altered file is refused instead of loading as garbage weights;
 *                      older files without it still load: `semsteg-model-info
 *                      --add-checksum FILE` adds it)
 *   "codec_sha256"   : (kind "inn") the data_sha256 of the codec it was trained with: an INN
 *                      works only in its own codec's latent space (written by semsteg-train
 *                      since session 14; `semsteg-model-info --record-codec CODEC FILE`
 *                      adds it to an older file); check_inn_codec refuses another codec
 * and any further informational strings (training stage, step, metrics, ...).
 *
 * Tensor names are the LibTorch module's parameter/buffer names ("encoder.conv1.weight").
 *
 * Errors (semsteg::error), each naming the file, what was expected and what was found:
 * missing or unreadable file, truncated file (shorter than its header or data offsets say),
 * malformed header, not a semsteg model, unsupported format version, wrong kind, corrupted
 * data (its SHA-256 differs from the header's), and (when
 * loading into a network, see nn.h) missing, unexpected or wrongly shaped tensors.
 */

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace semsteg {

struct tensor_record {
    std::string dtype; //!< "F32" or "I64"
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes; //!< little-endian, row-major
};

struct model_file {
    std::string kind;
    //! as read: whether the file carried data_sha256 (and so was verified)
    bool checksummed = false;
    //! as read: its data_sha256 (verified), empty when it carried none
    std::string data_sha256;
    nlohmann::json config = nlohmann::json::object();
    std::map<std::string, std::string> info; //!< extra __metadata__ strings
    std::map<std::string, tensor_record> tensors;
};

//! Model-file kinds.
constexpr const char* kind_jscc = "jscc";
constexpr const char* kind_inn = "inn";
constexpr const char* kind_mia = "eve-mia";
constexpr const char* kind_detector = "eve-detector";
constexpr const char* kind_extractor = "eve-extractor";

constexpr const char* model_format_name = "semsteg-model";
constexpr const char* model_format_version = "1";

//! Writes atomically (to PATH.tmp, then renamed), so a failed write never clobbers PATH.
void write_model_file(const std::string& path, const model_file& file);

//! Reads and validates the container; `expected_kind` (if non-empty) must match.
model_file read_model_file(const std::string& path, const std::string& expected_kind = "");

//! The same from a file's bytes in memory (`path` names it in messages).
model_file parse_model_file(const uint8_t* bytes,
                            size_t size,
                            const std::string& path,
                            const std::string& expected_kind = "");

//! The info key of an INN file that names the codec it was trained with (see above).
constexpr const char* inn_codec_key = "codec_sha256";

/*!
 * Refuses (semsteg::error naming both files and what to do) an INN that records the codec it
 * was trained with when `codec` is another one: run on another codec's latents an INN gives
 * Bob noise, silently. An INN without the record, or a codec without a checksum, passes.
 */
void check_inn_codec(const model_file& inn,
                     const std::string& inn_path,
                     const model_file& codec,
                     const std::string& codec_path);

//! The same from the two files.
void check_inn_codec(const std::string& inn_path, const std::string& codec_path);

//! The info key of an INN file whose payload was coded by a private codec of its own (a
//! reduced payload's: secure_link.h, private_latent), naming that codec's data_sha256.
constexpr const char* inn_private_codec_key = "private_codec_sha256";
//! The info key of such an INN that names its private codec's file (a bare file name,
//! found as any model is: locate_inn_private_codec), so that the INN alone picks it.
constexpr const char* inn_private_codec_name_key = "private_codec";

/*!
 * Refuses (semsteg::error) an INN that records a private codec when `private_codec` (nullptr:
 * none given) is not that codec, and a private codec given to an INN that records none (its
 * payload is the public codec's latent).
 */
void check_inn_private_codec(const model_file& inn,
                             const std::string& inn_path,
                             const model_file* private_codec,
                             const std::string& private_codec_path);

/*!
 * The private codec the INN at `inn_path` names: its file beside the INN, else found by
 * locate_model (model_locator.h); "" when the INN's payload is the public codec's latent.
 * Throws semsteg::error when the INN records a private codec that has no name or cannot
 * be found (what to do is in the message). The codec found is checked later, like any
 * (check_inn_codecs).
 */
std::string locate_inn_private_codec(const std::string& inn_path);

/*!
 * Both checks from the files, each read once: the INN at `inn_path` against the public
 * codec (check_inn_codec) and its payload's codec (check_inn_private_codec; an empty
 * `private_codec_path`: none given). What a program runs before it starts a link.
 */
void check_inn_codecs(const std::string& inn_path,
                      const std::string& codec_path,
                      const std::string& private_codec_path);

//! Bytes per element of a dtype name; throws on an unsupported dtype.
size_t dtype_size(const std::string& dtype);

} // namespace semsteg

#endif
