/**
 * The whiteboard layer over a slide (bảng vẽ): a canvas on top of the LiveDocument's page.
 * Strokes are kept per slide page as batches ({stroke, tool, color, width, points}) with
 * coordinates normalised to 0..1, so every screen size draws the same picture. While the
 * local user draws, points are sent in batches every BATCH_MS (not one message per point).
 * During group work a board may be a group's own (``group`` set): its strokes are kept
 * apart from the slides' and its batches name the group.
 */
const BATCH_MS = 40;
const MAX_BATCH_POINTS = 100;

export class Board {
  constructor({ liveDoc, onBatch }) {
    this.liveDoc = liveDoc;
    this.onBatch = onBatch;
    this.pages = new Map(); // "doc:page" -> [batch]
    this.enabled = false;
    this.prefix = '';  // the server keys strokes as '<user id>-<client key>'
    this.tool = 'pen';
    this.color = '#dc2626';
    this.group = null;  // the group board shown (null: the slides)
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'board-layer';
    this.canvas.dataset.strokes = '0';
    this.liveDoc.sheet.style.position = 'relative';
    this.liveDoc.sheet.append(this.canvas);
    this._pending = null;
    this._timer = null;
    this._bind();
    window.addEventListener('resize', () => this.place());
  }

  key(doc = this.liveDoc.documentId, page = this.liveDoc.page, group = this.group) { return `${group == null ? 'm' : group}:${doc}:${page}`; }

  setPage(doc, page, batches, group = null) { this.pages.set(this.key(doc, page, group), batches.slice()); if (this.key() === this.key(doc, page, group)) this.render(); }
  add(batch) {
    const k = this.key(batch.document_id, batch.page, batch.group == null ? null : batch.group);
    if (!this.pages.has(k)) this.pages.set(k, []);
    this.pages.get(k).push(batch);
    if (k === this.key()) this.render();
  }
  remove(strokeKey) {
    for (const list of this.pages.values()) {
      for (let i = list.length - 1; i >= 0; i -= 1) if (list[i].stroke === strokeKey) list.splice(i, 1);
    }
    this.render();
  }
  clear(doc, page) { this.pages.set(this.key(doc, page, null), []); this.render(); }
  setEnabled(flag) { this.enabled = flag; this.canvas.classList.toggle('board-active', flag); }

  /** Lay the layer exactly over the page's canvas (after each drawing and resize). */
  place() {
    const page = this.liveDoc.canvas;
    if (!page || page.classList.contains('ld-placeholder')) { this.canvas.hidden = true; return; }
    this.canvas.hidden = false;
    const w = page.offsetWidth; const h = page.offsetHeight;
    const ratio = window.devicePixelRatio || 1;
    Object.assign(this.canvas.style, { left: `${page.offsetLeft}px`, top: `${page.offsetTop}px`, width: `${w}px`, height: `${h}px` });
    this.canvas.width = Math.round(w * ratio); this.canvas.height = Math.round(h * ratio);
    this.render();
  }

  render() {
    const ctx = this.canvas.getContext('2d');
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    const batches = this.pages.get(this.key()) || [];
    const strokes = new Map();
    for (const b of batches) {  // a stroke's batches in their order (seq), strokes as first seen
      if (!strokes.has(b.stroke)) strokes.set(b.stroke, { ...b, batches: [] });
      strokes.get(b.stroke).batches.push(b);
    }
    for (const s of strokes.values()) {
      s.points = s.batches.sort((x, y) => (x.seq || 0) - (y.seq || 0)).flatMap((b) => b.points);
      this._draw(ctx, s, width, height);
    }
    this.canvas.dataset.strokes = String(strokes.size);
  }

  _draw(ctx, s, width, height) {
    if (!s.points.length) return;
    ctx.save();
    ctx.lineCap = 'round'; ctx.lineJoin = 'round';
    ctx.strokeStyle = s.color;
    ctx.lineWidth = Math.max(s.width * width, 1) * (s.tool === 'highlighter' ? 4 : s.tool === 'eraser' ? 5 : 1);
    if (s.tool === 'highlighter') ctx.globalAlpha = 0.35;
    if (s.tool === 'eraser') ctx.globalCompositeOperation = 'destination-out';
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i ? ctx.lineTo(x * width, y * height) : ctx.moveTo(x * width, y * height)));
    if (s.points.length === 1) ctx.lineTo(s.points[0][0] * width + 0.5, s.points[0][1] * height);
    ctx.stroke();
    ctx.restore();
  }

  _point(event) {
    const r = this.canvas.getBoundingClientRect();
    const clamp = (v) => Math.min(Math.max(v, 0), 1);
    return [clamp((event.clientX - r.left) / r.width), clamp((event.clientY - r.top) / r.height)];
  }

  _bind() {
    this.canvas.addEventListener('pointerdown', (e) => {
      if (!this.enabled) return;
      e.preventDefault();
      this.canvas.setPointerCapture(e.pointerId);
      const stroke = Math.random().toString(36).slice(2, 12);
      this._seq = 0;
      this._current = { stroke, tool: this.tool, color: this.color, width: 0.004,
        document_id: this.liveDoc.documentId, page: this.liveDoc.page };
      if (this.group != null) this._current.group_id = this.group;
      this._pending = [this._point(e)];
      this._timer = setInterval(() => this._flush(), BATCH_MS);
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (!this._pending) return;
      this._pending.push(this._point(e));
      if (this._pending.length >= MAX_BATCH_POINTS) this._flush();
    });
    const end = () => { if (!this._pending) return; this._flush(); clearInterval(this._timer); this._pending = null; };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  _flush() {
    if (!this._pending || !this._pending.length) return;
    const points = this._pending.map(([x, y]) => [Math.round(x * 10000) / 10000, Math.round(y * 10000) / 10000]);
    this._pending = [];
    const batch = { ...this._current, points, seq: this._seq };
    this._seq += 1;
    this.add({ ...batch, stroke: `${this.prefix}-${batch.stroke}`, group: this.group });
    this.onBatch(batch);
  }
}
