/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_IMAGE_H
#define INCLUDED_SEMSTEG_IMAGE_H

#include <cstdint>
#include <string>
#include <vector>

namespace semsteg {

/*!
 * An RGB image, row-major, interleaved (HWC), float values in [0,1].
 * This is the torch-free exchange format between files, datasets, blocks and the networks
 * (see tensor_convert.h for the CHW tensor view the networks use).
 */
struct image {
    int width = 0;
    int height = 0;
    std::vector<float> rgb; //!< width*height*3 values

    image() = default;
    image(int w, int h) : width(w), height(h), rgb(static_cast<size_t>(w) * h * 3, 0.0f) { }
    bool empty() const { return width == 0 || height == 0; }
    float& at(int x, int y, int c)
    {
        return rgb[(static_cast<size_t>(y) * width + x) * 3 + c];
    }
    float at(int x, int y, int c) const
    {
        return rgb[(static_cast<size_t>(y) * width + x) * 3 + c];
    }
};

//! Decodes a JPEG or PNG file (grey, grey+alpha and RGBA become RGB; at most
//! max_image_pixels()). Other formats are refused by their first bytes: stb's other
//! decoders (PNM, TGA, PSD, HDR, …) are attack surface we do not need (fuzzing crashed
//! Debian's PNM decoder on a truncated 16-bit file). Throws semsteg::error naming the file
//! and the reason when it cannot be read.
image load_image(const std::string& path);

//! Decodes an image held in memory (same rules as load_image).
image decode_image(const uint8_t* data, size_t size);

/*!
 * The largest image decoded, in pixels (width × height): the dimensions are read from the
 * header first and a larger image is refused before its pixels are decoded (a 389 KB PNG
 * can declare 20,000 × 20,000, i.e. 4.8 GB once decoded to floats). Decoding then needs at
 * most ~15 bytes per pixel of the limit. Process-wide; default 64 megapixels.
 */
constexpr uint64_t default_max_image_pixels = 64'000'000;
void set_max_image_pixels(uint64_t pixels); //!< throws semsteg::error for 0
uint64_t max_image_pixels();

//! Writes an 8-bit RGB PNG (values clamped to [0,1]). Throws semsteg::error on failure.
void save_png(const std::string& path, const image& img);

//! Copies the w×h rectangle at (x, y); throws if it does not lie inside the image.
image crop(const image& img, int x, int y, int w, int h);

//! The largest centred square whose side is `fraction` of the shorter side.
image center_crop_square(const image& img, double fraction = 1.0);

//! Resamples to w×h (stb_image_resize, linear-light off, box/Mitchell filters).
image resize(const image& img, int w, int h);

//! Mirrors left-right.
image flip_horizontal(const image& img);

/*!
 * The model's view of an arbitrary photo: the centred square crop (side = crop_fraction ×
 * the shorter side), resized to side×side. crop_fraction 88/89 matches the CelebA preparation
 * (centre crop 88 of the 89-wide aligned faces) documented in the README.
 */
image prepare_image(const image& img, int side, double crop_fraction = 1.0);

//! Tiles images (all the same size) into a grid with `cols` columns and `pad` white pixels
//! between cells. Throws on an empty list or mismatched sizes.
image tile_grid(const std::vector<image>& images, int cols, int pad = 2);

/*!
 * tile_grid for people: each tile enlarged (nearest neighbour, an integer factor) to at
 * least `min_tile_side` pixels, and a header row naming each column (`labels`, one per
 * column or none). Throws as tile_grid does, or when there are labels but not `cols`.
 */
image labelled_grid(const std::vector<image>& images,
                    int cols,
                    const std::vector<std::string>& labels,
                    int min_tile_side = 128,
                    int pad = 2);

} // namespace semsteg

#endif
