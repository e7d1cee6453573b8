/**
 * The live document (tài liệu trình chiếu): a PDF viewer that follows a presenter.
 *
 * Generic on purpose — used by meeting rooms and by classroom lessons. It knows nothing
 * about sockets: the host calls followRemote() when the presenter's page changes, and
 * gets onUserPageChange(documentId, page) when the local user (as presenter) turns a page.
 *
 *   const doc = new LiveDocument({container, onUserPageChange, strings});
 *   doc.addDocuments([{id, url, pages, title}]);
 *   doc.setPresenter(false);
 *   doc.followRemote(12, 3);          // shows page 3 of document 12 while following
 *
 * Each PDF is loaded once per document id (HTTP range requests, only the bytes needed) and
 * kept; after each page is drawn the container gets data-document-id, data-page and
 * data-rendered="1" (data-rendered="0" while a new drawing is in progress).
 *
 * Its elements, default texts and gestures (swipe, arrow keys, redraw on resize) come from
 * static/js/live-document-chrome.js. Its base styles are in static/css/live-document.css:
 * link it before the page's own stylesheet (which may override them, e.g. through the
 * --ld-* custom properties).
 */
import * as pdfjsLib from '/static/vendor/pdfjs/pdf.min.js';
import { DEFAULT_STRINGS, bindGestures, buildChrome, el, fmt, ICONS, svgIcon } from './live-document-chrome.js';

const VENDOR = '/static/vendor/pdfjs/';
pdfjsLib.GlobalWorkerOptions.workerSrc = VENDOR + 'pdf.worker.min.js';

export class LiveDocument {
  /**
   * @param {object} options
   * @param {HTMLElement} options.container  the element to draw into (gets the data-* attributes)
   * @param {(documentId:number, page:number) => void} [options.onUserPageChange]  presenter turned a page
   * @param {(documentId:number, page:number) => void} [options.onPageShown]  a page was drawn
   * @param {(following:boolean) => void} [options.onFollowChange]
   * @param {object} [options.strings]  translated texts (see DEFAULT_STRINGS)
   * @param {'width'|'page'} [options.fit]
   */
  constructor({
    container,
    onUserPageChange = () => {},
    onPageShown = () => {},
    onFollowChange = () => {},
    strings = {},
    fit = 'width',
    keyboard = true,
  }) {
    if (!container) throw new Error('LiveDocument: container is required');
    this.container = container;
    this.onUserPageChange = onUserPageChange;
    this.onPageShown = onPageShown;
    this.onFollowChange = onFollowChange;
    this.strings = { ...DEFAULT_STRINGS, ...strings };
    this.fit = fit === 'page' ? 'page' : 'width';

    this.documents = new Map(); // id -> {url, pages, title}
    this.cache = new Map(); // id -> Promise<PDFDocumentProxy>
    this.documentId = null;
    this.page = 1;
    this.pages = 0;
    this.remote = null; // the presenter's latest {documentId, page}
    this.following = true;
    this.presenter = false;

    this._seq = 0;
    this._renderTask = null;
    this._drawn = null; // {documentId, page, width, height} of the canvas on screen
    this._listeners = [];

    this._build();
    this._bind(keyboard);
    this._updateChrome();
  }

  // -- documents -----------------------------------------------------------------------

  /** Make documents known (so followRemote can open one that was never loaded). */
  addDocuments(list) {
    for (const d of list || []) {
      const id = Number(d.id);
      const known = this.documents.get(id) || {};
      this.documents.set(id, { ...known, ...d, id, pages: Number(d.pages) || known.pages || 0 });
    }
  }

  /** Load a PDF once (range requests) and make it the current document. */
  load(documentId, url, pages) {
    const id = Number(documentId);
    this.addDocuments([{ id, url, pages }]);
    if (this.documentId !== id) {
      this.documentId = id;
      this.pages = Number(pages) || this.documents.get(id).pages || 0;
      this.page = Math.min(Math.max(this.page, 1), this.pages || 1);
    }
    this._updateChrome();
    return this._pdf(id);
  }

  _pdf(id) {
    let promise = this.cache.get(id);
    if (promise) return promise;
    const info = this.documents.get(id);
    if (!info || !info.url) return Promise.reject(new Error(`unknown document ${id}`));
    const task = pdfjsLib.getDocument({
      url: info.url,
      rangeChunkSize: 65536,
      disableAutoFetch: true,
      disableStream: true, // range requests only: a weak ward link never streams the whole file
      withCredentials: true,
      cMapUrl: VENDOR + 'cmaps/',
      cMapPacked: true,
      standardFontDataUrl: VENDOR + 'standard_fonts/',
      isEvalSupported: false, // the Content-Security-Policy allows no eval
    });
    promise = task.promise.then((pdf) => {
      if (!info.pages) info.pages = pdf.numPages;
      if (this.documentId === id && this.pages !== pdf.numPages) {
        this.pages = pdf.numPages;
        this._updateChrome();
      }
      return pdf;
    });
    promise.catch(() => this.cache.delete(id)); // a failed load may be retried
    this.cache.set(id, promise);
    return promise;
  }

  // -- showing pages -------------------------------------------------------------------

  /** Draw ``page`` of the current document (cancels a drawing in progress). */
  async show(page) {
    const id = this.documentId;
    if (id == null) {
      this._status('empty');
      return;
    }
    const target = Math.min(Math.max(Number(page) || 1, 1), this.pages || Number(page) || 1);
    const pageChanged = target !== this.page || !this._drawn || this._drawn.documentId !== id;
    this.page = target;
    this._updateChrome();
    await this._render({ resetScroll: pageChanged });
  }

  async _render({ resetScroll = false } = {}) {
    const id = this.documentId;
    const pageNumber = this.page;
    const seq = ++this._seq;
    if (this._renderTask) {
      this._renderTask.cancel();
      this._renderTask = null;
    }
    this.container.dataset.rendered = '0';
    const slow = setTimeout(() => seq === this._seq && this._status('loading'), 250);
    let pdf;
    try {
      pdf = await this._pdf(id);
      if (seq !== this._seq) return;
      if (pageNumber > pdf.numPages) {
        this.page = pdf.numPages;
        this._updateChrome();
        return this._render({ resetScroll });
      }
      const pdfPage = await pdf.getPage(pageNumber);
      if (seq !== this._seq) return;

      const base = pdfPage.getViewport({ scale: 1 });
      const pad = this._sheetPadding();
      const availWidth = Math.max(this.stage.clientWidth - pad * 2, 120);
      const availHeight = Math.max(this.stage.clientHeight - pad * 2, 120);
      let scale = availWidth / base.width;
      if (this.fit === 'page') scale = Math.min(scale, availHeight / base.height);
      const viewport = pdfPage.getViewport({ scale });
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement('canvas');
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      const task = pdfPage.render({
        canvasContext: canvas.getContext('2d', { alpha: false }),
        viewport,
        transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
      });
      this._renderTask = task;
      await task.promise;
      if (seq !== this._seq) return;
      this._renderTask = null;

      const scrollRatio = resetScroll ? 0 : this.stage.scrollTop / Math.max(this.stage.scrollHeight, 1);
      this.canvas.replaceWith(canvas);
      this.canvas = canvas;
      this.stage.scrollTop = resetScroll ? 0 : scrollRatio * this.stage.scrollHeight;
      this._drawn = { documentId: id, page: pageNumber, width: availWidth, height: availHeight, ratio };
      clearTimeout(slow);
      this._status(null);
      const ds = this.container.dataset;
      ds.documentId = String(id);
      ds.page = String(pageNumber);
      ds.rendered = '1';
      this.onPageShown(id, pageNumber);
      this._prefetch(pdf, pageNumber + 1);
    } catch (err) {
      if (err && err.name === 'RenderingCancelledException') return;
      if (seq !== this._seq) return;
      console.error('live document:', err);
      this._status('error');
    } finally {
      clearTimeout(slow);
    }
  }

  _prefetch(pdf, pageNumber) {
    if (pageNumber > pdf.numPages) return;
    const run = () => pdf.getPage(pageNumber).catch(() => {});
    (window.requestIdleCallback || ((fn) => setTimeout(fn, 300)))(run);
  }

  _sheetPadding() {
    const value = parseFloat(getComputedStyle(this.sheet).paddingLeft);
    return Number.isFinite(value) ? value : 12;
  }

  /** Switch to a document (loading it if needed) and draw a page. */
  async _display(documentId, page) {
    const id = Number(documentId);
    const info = this.documents.get(id);
    if (!info) {
      this._status('empty');
      return;
    }
    if (this.documentId !== id) {
      this.load(id, info.url, info.pages).catch(() => {});
    }
    await this.show(page);
  }

  // -- following and presenting --------------------------------------------------------

  /** The presenter is now on ``page`` of ``documentId``. */
  followRemote(documentId, page) {
    if (documentId == null) return;
    this.remote = { documentId: Number(documentId), page: Number(page) || 1 };
    if (this.following || this.presenter) {
      this._display(this.remote.documentId, this.remote.page);
    } else {
      this._updateChrome();
    }
  }

  /** Jump back to the presenter's latest page and keep following. */
  follow() {
    this._setFollowing(true);
    if (this.remote) this._display(this.remote.documentId, this.remote.page);
  }

  stopFollowing() {
    this._setFollowing(false);
  }

  /** Who presents, named in the "following" label (null: no name known). */
  setPresenterName(name) {
    this.presenterName = name || null;
    this._updateChrome();
  }

  /** Without a link the view cannot follow: the label says so instead of staying green. */
  setOffline(offline) {
    this.offline = Boolean(offline);
    this._updateChrome();
  }

  /** Presenting: the local page turns drive everyone (and the view starts where the room is). */
  setPresenter(isPresenter) {
    const flag = Boolean(isPresenter);
    if (flag === this.presenter) return;
    this.presenter = flag;
    if (flag) {
      this._setFollowing(true);
      const r = this.remote;
      if (r && (r.documentId !== this.documentId || r.page !== this.page)) this._display(r.documentId, r.page);
    }
    this._updateChrome();
  }

  _setFollowing(flag) {
    if (this.following === flag) {
      this._updateChrome();
      return;
    }
    this.following = flag;
    this._updateChrome();
    this.onFollowChange(flag);
  }

  /** The local user asks for a page (buttons, swipe, keyboard, a document picker). */
  goTo(page, documentId = this.documentId) {
    if (documentId == null) return;
    const id = Number(documentId);
    const info = this.documents.get(id);
    const pages = (id === this.documentId ? this.pages : info && info.pages) || 1;
    const target = Math.min(Math.max(Number(page) || 1, 1), pages);
    if (id === this.documentId && target === this.page && this._drawn) return;
    if (this.presenter) {
      this.remote = { documentId: id, page: target };
      this._display(id, target);
      this.onUserPageChange(id, target);
    } else {
      this._setFollowing(false);
      this._display(id, target);
    }
  }

  next() {
    this.goTo(this.page + 1);
  }

  prev() {
    this.goTo(this.page - 1);
  }

  setFit(fit) {
    this.fit = fit === 'page' ? 'page' : 'width';
    this._updateChrome();
    if (this.documentId != null) this._render();
  }

  // -- the DOM -------------------------------------------------------------------------

  _build() {
    Object.assign(this, buildChrome(this.container, this.strings));
  }

  _on(target, type, fn, options) {
    target.addEventListener(type, fn, options);
    this._listeners.push(() => target.removeEventListener(type, fn, options));
  }

  _bind(keyboard) {
    this._on(this.prevButton, 'click', () => this.prev());
    this._on(this.nextButton, 'click', () => this.next());
    this._on(this.followButton, 'click', () => this.follow());
    this._on(this.fitButton, 'click', () => this.setFit(this.fit === 'width' ? 'page' : 'width'));
    this._on(this.retryButton, 'click', () => {
      if (this.documentId != null) this._render();
    });
    bindGestures(this, keyboard);
  }

  _status(kind) {
    const s = this.strings;
    if (!kind) {
      this.statusEl.hidden = true;
      return;
    }
    this.statusEl.hidden = false;
    this.spinner.hidden = kind !== 'loading';
    this.retryButton.hidden = kind !== 'error';
    this.statusText.textContent = { loading: s.loading, error: s.loadError, empty: s.noDocument }[kind];
    if (kind === 'empty') this.container.dataset.rendered = '0';
  }

  _updateChrome() {
    const s = this.strings;
    const has = this.documentId != null;
    this.indicator.textContent = has ? fmt(s.page, { page: this.page, pages: this.pages || '…' }) : '';
    this.prevButton.disabled = !has || this.page <= 1;
    this.nextButton.disabled = !has || (this.pages > 0 && this.page >= this.pages);
    const mode = this.presenter ? 'presenting' : this.offline ? 'offline' : this.following ? 'following' : 'browsing';
    this.modeLabel.dataset.mode = mode;
    this.modeLabel.textContent = {
      presenting: s.modePresenting,
      following: this.presenterName && s.modeFollowingName ? fmt(s.modeFollowingName, { name: this.presenterName }) : s.modeFollowing,
      browsing: s.modeBrowsing,
      offline: s.modeOffline || s.modeBrowsing,
    }[mode];
    this.container.dataset.following = this.following ? '1' : '0';
    this.container.dataset.mode = mode;
    const showFollow = !this.presenter && !this.following && Boolean(this.remote);
    this.followButton.hidden = !showFollow;
    if (showFollow) {
      const onOtherDoc = this.remote.documentId !== this.documentId;
      const title = onOtherDoc && this.documents.get(this.remote.documentId)?.title;
      this.followHint.textContent = '· ' + fmt(s.presenterAt, { page: this.remote.page }) + (title ? ` — ${title}` : '');
    }
    const toPage = this.fit === 'width';
    const label = toPage ? s.fitPage : s.fitWidth;
    this.fitButton.replaceChildren(svgIcon(toPage ? ICONS.fitPage : ICONS.fitWidth), el('span', { class: 'ld-fit-label', text: label }));
    this.fitButton.title = label;
    this.fitButton.disabled = !has;
    this.fitButton.setAttribute('aria-label', label);
    this.container.classList.toggle('ld-fit-page', this.fit === 'page');
  }

  /** Stop drawing, forget listeners and free the PDFs. */
  destroy() {
    this._seq++;
    if (this._renderTask) this._renderTask.cancel();
    for (const off of this._listeners.splice(0)) off();
    for (const promise of this.cache.values()) promise.then((pdf) => pdf.destroy()).catch(() => {});
    this.cache.clear();
  }
}

export default LiveDocument;
