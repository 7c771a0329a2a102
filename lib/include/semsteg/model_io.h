/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_MODEL_IO_H
#define INCLUDED_SEMSTEG_MODEL_IO_H

/*!
 * \file model_io.h
 * The networks to model files (model_file.h) and back: records, typed loaders, the kinds.

 * Tensors: images are float [B, 3, H, W] in [0,1]; latents are float [B, C, H/4, W/4] with
 * unit mean complex-symbol power per image (see latent_symbols.h for the I/Q pairing).
 * A torch header: include it only where torch is needed (the facades, semantic.h, are
 * torch-free).
 */

#include <map>
#include <semsteg/codec.h>
#include <semsteg/eve_networks.h>
#include <semsteg/inn.h>
#include <semsteg/model_file.h>
#include <string>

#include <torch/torch.h>

namespace semsteg {

//! Copies every parameter and buffer of `module` into a model file record.
model_file module_to_model_file(torch::nn::Module& module,
                                const std::string& kind,
                                const nlohmann::json& config);
//! Loads a record into `module`: every name must be present with the right shape and no
//! extra names may exist; otherwise semsteg::error naming expected vs found.
void load_module_state(torch::nn::Module& module,
                       const model_file& file,
                       const std::string& path_for_errors);

void save_module(const std::string& path,
                 torch::nn::Module& module,
                 const std::string& kind,
                 const nlohmann::json& config,
                 const std::map<std::string, std::string>& info = {});

//! Typed loaders: read the config from the file, build the network, load its weights.
jscc_codec load_jscc(const std::string& path);
inn load_inn(const std::string& path);
//! The same from a file already read (read_model_file with its kind); `path` names it in
//! errors.
jscc_codec load_jscc(const model_file& file, const std::string& path);
inn load_inn(const model_file& file, const std::string& path);
decoder load_mia(const std::string& path);
detector load_detector(const std::string& path);
decoder load_extractor(const std::string& path, extractor_config* config = nullptr);

// The model-file kinds (kind_jscc, kind_inn, ...) are in model_file.h.

} // namespace semsteg

#endif
