/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_METADATA_KEYS_H
#define INCLUDED_SEMSTEG_METADATA_KEYS_H

/*!
 * \file metadata_keys.h
 * The one place that names the metadata keys carried in PDU dictionaries (and stream tags)
 * between the semsteg blocks. Every block, test and Python script uses these constants (the
 * Python bindings export them); nobody spells the strings out elsewhere.
 *
 * Torch-free and GNU Radio-free: plain constexpr C strings.
 */

namespace semsteg {
namespace keys {

// ---- Frame metadata (set by the transmitter's caller, carried in the OFDM header) ----

//! Frame sequence number, uint32 (wraps). TX input: optional (the block counts itself
//! when absent). RX output: the value decoded from the header.
constexpr const char* seq = "seq";
//! Image identifier, uint32, chosen by the application; all frames of one image share it.
constexpr const char* image_id = "image_id";
//! Number of complex latent symbols in the frame's payload (uint32), as sent.
constexpr const char* num_symbols = "num_symbols";
//! Number of payload OFDM symbols (uint16), derived from num_symbols and the frame params.
constexpr const char* payload_ofdm_symbols = "payload_ofdm_symbols";
//! Application flags, uint8, carried opaque in the header (e.g. marks a warm-up frame).
constexpr const char* flags = "flags";
//! Per-image nonce of keyed hiding, uint64, public (nothing about the key is ever carried):
//! Alice's keystream is drawn from (key, nonce). Set by inn_embed on a container PDU,
//! carried in the OFDM header (CRC-protected), delivered by the receiver. Absent when the
//! frame carries no keyed container (on the air: 0 with the header's nonce flag clear).
constexpr const char* nonce = "nonce";

// ---- Receiver estimates (set by the receiver on every delivered frame) ----

//! Estimated SNR in dB per occupied subcarrier (signal power / noise power after the FFT),
//! from the two identical channel-estimation symbols of the preamble. double.
constexpr const char* snr_est_db = "snr_est_db";
//! Estimated carrier frequency offset in subcarrier spacings (fractional + integer part).
//! Multiply by samp_rate / fft_len for Hz. double.
constexpr const char* cfo_est = "cfo_est";
//! Header CRC-32 status, bool. Delivered frames always carry true (frames whose header
//! fails the CRC are counted, not delivered); the key exists so downstream code can check.
constexpr const char* crc_ok = "crc_ok";
//! Absolute index (uint64) of the receiver's input sample where the frame's first training
//! symbol starts: for latency measurements and debugging.
constexpr const char* rx_sample = "rx_sample";
//! Noise variance per subcarrier estimated by the receiver (linear, double).
constexpr const char* noise_var = "noise_var";

// ---- Semantic layer (set by the semantic blocks; carried through the PHY unchanged) ----

//! What a PDU is: "private", "host" (images and their latents from Alice's sources),
//! "container" (inn_embed), "bob" (inn_extract and Bob's decoder), "eve_naive",
//! "eve_mia" (Eve's decoders); settable on the blocks. string.
constexpr const char* role = "role";
//! Latent tensor shape before flattening to symbols, as a vector of integers [C, H, W].
//! Informative only: receivers take the square latent of their model (semantic.h).
constexpr const char* shape = "shape";
//! Image PDUs (vector: u8 RGB, row-major, interleaved): width and height in pixels, uint32.
constexpr const char* width = "width";
constexpr const char* height = "height";
//! The file an image_source read the image from. string.
constexpr const char* source_path = "source_path";
//! image_id of the host image a container hides the private image in (inn_embed). uint32.
constexpr const char* host_image_id = "host_image_id";
//! image_sink's measurements against its reference image: PSNR in dB and MS-SSIM (double);
//! "_host" variants against the host reference. On the sink's "metrics" port.
constexpr const char* psnr_db = "psnr_db";
constexpr const char* ms_ssim = "ms_ssim";
constexpr const char* psnr_db_host = "psnr_db_host";
constexpr const char* ms_ssim_host = "ms_ssim_host";
//! image_sink metrics: seconds from the private reference's arrival (Alice sending the image)
//! to the received image's (double).
constexpr const char* latency_s = "latency_s";

// ---- Burst tags on the TX stream (the names UHD's sink understands) ----

//! Start of burst (bool true), on the first sample of a burst.
constexpr const char* tx_sob = "tx_sob";
//! End of burst (bool true), on the last sample of a burst.
constexpr const char* tx_eob = "tx_eob";
//! Length tag (uint64 number of samples of the burst), on the first sample of a burst.
constexpr const char* packet_len = "packet_len";

} // namespace keys
} // namespace semsteg

#endif
