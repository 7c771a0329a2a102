#
# Copyright 2026 gr-semsteg authors.
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""image_view: a Qt GUI block that shows the latest received images side by side.

Message port "in": image PDUs (u8 RGB with "width"/"height", as the decoders make); each
goes to the panel of its "role" ("bob", "eve_naive", "eve_mia", ...). Port "metrics": the
image_sink metrics dicts; the panel of that role shows them under the image. Drawing
happens in the Qt thread (a signal carries the data over), so the flowgraph never waits
for the screen. Malformed messages are logged and dropped.
"""

import numpy as np
import pmt
from gnuradio import gr

from .semsteg_python import keys

try:
    from PyQt5 import QtCore, QtGui, QtWidgets
except ImportError:  # pragma: no cover - Qt is optional for everything else
    QtCore = QtGui = QtWidgets = None


def qt_app():
    """The QApplication (created when there is none yet)."""
    if QtWidgets is None:
        raise RuntimeError("image_view needs PyQt5 (python3-pyqt5)")
    return QtWidgets.QApplication.instance() or QtWidgets.QApplication(["semsteg"])


if QtWidgets is not None:
    class _Panels(QtWidgets.QWidget):
        image_arrived = QtCore.pyqtSignal(str, int, int, bytes, int)
        metrics_arrived = QtCore.pyqtSignal(str, int, str)

        def __init__(self, roles, title, scale):
            QtWidgets.QWidget.__init__(self)
            self.setWindowTitle(title)
            self.scale = scale
            layout = QtWidgets.QGridLayout(self)
            self.pictures, self.captions = {}, {}
            for col, role in enumerate(roles):
                name = QtWidgets.QLabel(role)
                name.setAlignment(QtCore.Qt.AlignCenter)
                picture = QtWidgets.QLabel()
                picture.setMinimumSize(64 * scale, 64 * scale)
                picture.setAlignment(QtCore.Qt.AlignCenter)
                caption = QtWidgets.QLabel("waiting")
                caption.setAlignment(QtCore.Qt.AlignCenter)
                layout.addWidget(name, 0, col)
                layout.addWidget(picture, 1, col)
                layout.addWidget(caption, 2, col)
                self.pictures[role], self.captions[role] = picture, caption
            self.image_arrived.connect(self._show_image)
            self.metrics_arrived.connect(self._show_metrics)

        def _show_image(self, role, width, height, rgb, image_id):
            if role not in self.pictures:
                return
            img = QtGui.QImage(rgb, width, height, 3 * width, QtGui.QImage.Format_RGB888)
            self.pictures[role].setPixmap(QtGui.QPixmap.fromImage(img.copy()).scaled(
                width * self.scale, height * self.scale))
            self.captions[role].setText("image %d" % image_id)

        def _show_metrics(self, role, image_id, text):
            if role in self.captions:
                self.captions[role].setText("image %d: %s" % (image_id, text))


class image_view(gr.basic_block):
    """Live view of the latest image per role, with its metrics (Qt)."""

    def __init__(self, roles=("bob", "eve_naive", "eve_mia"), title="gr-semsteg",
                 scale=3, parent=None):
        gr.basic_block.__init__(self, name="semsteg_image_view", in_sig=None, out_sig=None)
        qt_app()
        self._panels = _Panels(list(roles), title, int(scale))
        if parent is not None:
            self._panels.setParent(parent)
        self.shown = 0
        self.dropped = 0
        self.message_port_register_in(pmt.intern("in"))
        self.message_port_register_in(pmt.intern("metrics"))
        self.set_msg_handler(pmt.intern("in"), self._on_image)
        self.set_msg_handler(pmt.intern("metrics"), self._on_metrics)

    def widget(self):
        return self._panels

    # The PyQt5 widget, for GRC's generated code (top_layout.addWidget).
    def qwidget(self):
        return self._panels

    def _on_image(self, msg):
        try:
            meta, vec = pmt.car(msg), pmt.cdr(msg)
            width = pmt.to_long(pmt.dict_ref(meta, pmt.intern(keys.width), pmt.PMT_NIL))
            height = pmt.to_long(pmt.dict_ref(meta, pmt.intern(keys.height), pmt.PMT_NIL))
            role = pmt.symbol_to_string(pmt.dict_ref(meta, pmt.intern(keys.role), pmt.PMT_NIL))
            image_id = pmt.to_long(pmt.dict_ref(meta, pmt.intern(keys.image_id),
                                                pmt.from_long(-1)))
            rgb = np.asarray(pmt.u8vector_elements(vec), dtype=np.uint8)
            if rgb.size != width * height * 3:
                raise ValueError("%d bytes for %dx%d RGB" % (rgb.size, width, height))
        except Exception as e:  # noqa: BLE001 - any malformed message is dropped
            self.dropped += 1
            gr.log.error("image_view: dropped a malformed image PDU: %s" % e)
            return
        self.shown += 1
        self._panels.image_arrived.emit(role, width, height, rgb.tobytes(), image_id)

    def _on_metrics(self, msg):
        try:
            d = pmt.to_python(msg)
            role, image_id = str(d[keys.role]), int(d[keys.image_id])
        except Exception as e:  # noqa: BLE001
            self.dropped += 1
            gr.log.error("image_view: dropped a malformed metrics message: %s" % e)
            return
        parts = []
        if keys.psnr_db in d:
            parts.append("%.1f dB / %.3f" % (d[keys.psnr_db], d[keys.ms_ssim]))
        if keys.ms_ssim_host in d:
            parts.append("host %.3f" % d[keys.ms_ssim_host])
        self._panels.metrics_arrived.emit(role, image_id, ", ".join(parts) or "-")
