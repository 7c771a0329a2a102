/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_MODEL_LOCATOR_H
#define INCLUDED_SEMSTEG_MODEL_LOCATOR_H

/*!
 * \file model_locator.h
 * Where model files are found: one rule for the blocks, the flowgraphs and the programs
 * (torch-free). A path that names an existing file is used as it is. Otherwise a relative
 * path — a bare name such as "jscc_snr.safetensors" (the blocks' and flowgraphs'
 * defaults), or "models/NAME" as older flowgraphs have it — is looked up by its file name
 * in the model search path, in order:
 *   1. $SEMSTEG_MODELS (one folder), when set;
 *   2. the installed models, <prefix>/share/gr-semsteg/models;
 *   3. the source tree's models/ (a build run in place).
 * So the defaults work installed and in the source tree alike, from any working directory.
 */

#include <string>
#include <vector>

namespace semsteg {

/*!
 * The shipped models the programs, blocks and flowgraphs use unless told otherwise (bare
 * names, found by locate_model). The one place they are named in code: the Python programs
 * read them through the bindings; the GRC block YAML repeats them as parameter defaults,
 * and a test checks that the two agree.
 */
namespace default_models {
//! The SNR-adaptive DeepJSCC codec (told the channel SNR at both ends).
constexpr const char* codec = "jscc_snr.safetensors";
//! The keyed steganography INN trained on that codec, faces and photos as hosts.
constexpr const char* inn = "inn_keyed_snr.safetensors";
//! Eve's model-inversion decoder (E2) for that codec.
constexpr const char* mia = "eve_mia_snr.safetensors";
} // namespace default_models

//! The folders searched, in order (those that do not exist included).
std::vector<std::string> model_search_path();

//! The file `path` names (see above). Throws semsteg::error naming every place looked in.
std::string locate_model(const std::string& path);

} // namespace semsteg

#endif
