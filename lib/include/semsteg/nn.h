/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_NN_H
#define INCLUDED_SEMSTEG_NN_H

/*!
 * \file nn.h
 * The networks (LibTorch), all of them: one include for the translation units that use
 * several. Each concept has its own header: codec.h, inn.h, eve_networks.h,
 * latent_channel.h, tensor_images.h, model_io.h. Include only where torch is needed: GNU
 * Radio blocks and other widely included code use the torch-free facades (semantic.h).
 */

#include <semsteg/codec.h>
#include <semsteg/eve_networks.h>
#include <semsteg/inn.h>
#include <semsteg/latent_channel.h>
#include <semsteg/model_io.h>
#include <semsteg/tensor_images.h>

#endif
