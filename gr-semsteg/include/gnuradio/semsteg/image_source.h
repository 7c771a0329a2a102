/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_IMAGE_SOURCE_H
#define INCLUDED_SEMSTEG_IMAGE_SOURCE_H

#include <cstdint>
#include <gnuradio/block.h>
#include <gnuradio/semsteg/api.h>
#include <string>
#include <vector>

namespace gr {
namespace semsteg {

/*!
 * \brief Reads image files and emits them as image PDUs, at a set rate or on demand.
 * \ingroup semsteg
 *
 * \details
 * `images` is a folder (its image files, sorted by name), one file, or a list of files
 * separated by ';' or ','. Each image is prepared as the models see it (centred square crop
 * of `crop` × the shorter side, resized to side×side) and sent on port "out" as a PDU: the
 * vector is u8 RGB (row-major, interleaved), the metadata "width", "height", "image_id"
 * (first_image_id, +1 per image sent), "role" and "source_path" (semsteg/metadata_keys.h).
 * With interval > 0 it sends one image every `interval` seconds from the flowgraph's start
 * (it decodes its files when made, as many as it caches, so that decoding never puts it
 * behind its schedule); with interval = 0 it sends them all at once; with interval < 0 only on demand: any
 * message on port "trigger" sends the next
 * image now. Without `loop` it stops after the last file (done() becomes true); unreadable
 * files are logged and skipped. Construction fails when no image can be found.
 */
class SEMSTEG_API image_source : virtual public gr::block
{
public:
    typedef std::shared_ptr<image_source> sptr;

    /*!
     * \param images folder, file, or ';'/','-separated list of files
     * \param side output side in pixels (the model's, e.g. 64)
     * \param crop centre-square crop fraction (CelebA's 89×109 faces: 0.9888)
     * \param interval seconds between images (0: all at once; < 0: on trigger only)
     * \param loop start over after the last image
     * \param first_image_id image_id of the first image sent
     * \param role the "role" metadata (e.g. "private", "host")
     */
    static sptr make(const std::string& images,
                     int side = 64,
                     double crop = 1.0,
                     double interval = 0.5,
                     bool loop = false,
                     int first_image_id = 0,
                     const std::string& role = "private");

    virtual uint64_t images_sent() const = 0;
    //! Files that could not be read (skipped).
    virtual uint64_t images_skipped() const = 0;
    //! Number of image files found.
    virtual size_t num_files() const = 0;
    //! True once every file was sent (never with loop).
    virtual bool done() const = 0;
};

/*!
 * The files an image_source reads for `images` (a folder: its image files sorted by path;
 * a file; or a ';'/','-separated list of either). Throws std::invalid_argument naming a
 * missing path, or when no image file is found.
 */
SEMSTEG_API std::vector<std::string> image_files(const std::string& images);

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_IMAGE_SOURCE_H */
