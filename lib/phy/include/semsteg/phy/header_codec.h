/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_HEADER_CODEC_H
#define INCLUDED_SEMSTEG_PHY_HEADER_CODEC_H

#include <array>
#include <semsteg/phy/frame_params.h>

namespace semsteg {
namespace phy {

/*!
 * The digital frame header (version 2): 25 bytes of fields + CRC-32 (Boost.CRC's
 * crc_32_type, the Ethernet/zip polynomial), 29 bytes = 232 bits in all, little-endian:
 *   [0] version  [1] flags (application, opaque)  [2..3] payload_ofdm_symbols  [4..7] seq
 *   [8..11] image_id  [12..15] num_symbols  [16] phy_flags (bit 0: nonce present; the
 *   other bits reserved, 0)  [17..24] nonce  [25..28] CRC-32 of bytes 0..24.
 * (Version 1 was bytes 0..15 and a CRC of them: 20 bytes.)
 * Bits go LSB first into a rate-1/2, K = 7 convolutional code (generators 133/171 octal,
 * six zero tail bits): 476 coded bits, interleaved (coded bit c at position 97·c mod 476).
 * Header slot j (BPSK: one bit per data carrier; QPSK: two, I then Q) carries interleaved
 * bit (j mod 476), so the coded block is sent header_repetition times (default 2), each
 * copy on other carriers and symbols (476 is not a multiple of 48: frequency diversity);
 * with the defaults that is 952 coded bits in 20 BPSK header symbols
 * (frame_params::header_ofdm_symbols(); the last one partly repeats the start).
 * Slot values are multiplied by the ±1 PN sequence of frame_params (index j mod 127), a
 * scrambler that keeps header symbols noise-like.
 * The decoder sums the matched-filter outputs of all copies (maximum-ratio combining) and
 * runs a soft-decision Viterbi decoder; the CRC then rejects what the code could not fix.
 */
class header_codec
{
public:
    //! Byte offsets of the fields (see above); the CRC covers bytes [0, crc_offset).
    static constexpr int off_version = 0;
    static constexpr int off_flags = 1;
    static constexpr int off_payload_ofdm_symbols = 2;
    static constexpr int off_seq = 4;
    static constexpr int off_image_id = 8;
    static constexpr int off_num_symbols = 12;
    static constexpr int off_phy_flags = 16;
    static constexpr int off_nonce = 17;
    static constexpr int crc_offset = off_nonce + 8;
    static constexpr int header_bytes = crc_offset + 4;
    static constexpr int header_bits = header_bytes * 8;
    static constexpr int coded_bits = 2 * (header_bits + 6);

    explicit header_codec(const frame_params& params);

    //! Number of data-carrier slots in the header (header_ofdm_symbols × num_data).
    size_t num_slots() const { return d_num_slots; }
    int bits_per_slot() const { return d_bits_per_slot; }

    //! Header bytes incl. CRC.
    static std::array<uint8_t, header_bytes> pack(const frame_header& hdr);
    //! Fields from bytes; returns false if the CRC does not match.
    static bool unpack(const std::array<uint8_t, header_bytes>& bytes, frame_header& hdr);

    //! Constellation points for all num_slots() slots (unit power).
    std::vector<cf> encode(const frame_header& hdr) const;
    //! The same from raw header bytes (CRC included as given): for tests.
    std::vector<cf> encode_bytes(const std::array<uint8_t, header_bytes>& bytes) const;

    /*!
     * Decodes from per-slot soft values: y·conj(h)·e^{-jθ} (matched filter, so each copy is
     * weighted by its channel gain). Returns true and fills `hdr` if the CRC matches.
     */
    bool decode(const cf* soft, size_t num_soft, frame_header& hdr) const;

    //! The convolutional code alone (exposed for tests).
    static std::array<uint8_t, coded_bits>
    conv_encode(const std::array<uint8_t, header_bytes>& b);
    //! Soft Viterbi (soft > 0 means 0); false only if no path survives.
    static bool conv_decode(const std::array<float, coded_bits>& soft,
                            std::array<uint8_t, header_bytes>& bytes);

private:
    size_t d_num_slots;
    int d_bits_per_slot;
};

} // namespace phy
} // namespace semsteg

#endif
