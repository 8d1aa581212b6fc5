/*! threeds.js: threeds-bridge's browser helper. No dependencies, ES2017, no build step.
 * ThreedsBridge.run({baseUrl, authentication, container, onUpdate}) performs the
 * authentication's next_action (3DS Method, device data, challenge, redirect), reports
 * each step to the service with the authentication's client_secret, and goes on while the
 * service's answer has a next_action. The notification pages the ACS posts to call
 * ThreedsBridge.notify(kind, params). See docs/threeds-js.md. */
(function (root) {
  'use strict';

  // EMV 3DS challengeWindowSize: width x height in CSS pixels; 05 fills the container.
  var SIZES = { '01': [250, 400], '02': [390, 400], '03': [500, 600], '04': [600, 400] };
  var MESSAGE = 'threedsBridge';
  var frames = 0;

  function fail(text) {
    return new Error('threeds.js: ' + text);
  }

  // Short, so an error never carries a whole document or secret.
  function excerpt(value) {
    var text = String(value);
    return text.length > 80 ? text.slice(0, 80) + '...' : text;
  }

  function base64url(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function decodeJson(encoded) {
    try {
      var b64 = String(encoded).replace(/-/g, '+').replace(/_/g, '/');
      var binary = atob(b64 + '==='.slice((b64.length + 3) % 4));
      var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      return null;
    }
  }

  function frame(parent, style) {
    var el = document.createElement('iframe');
    el.name = 'threeds-bridge-' + (++frames);
    el.setAttribute('style', 'border:0;' + style);
    parent.appendChild(el);
    return el;
  }

  // A top-level form post into the frame: how EMV 3DS hands data to an ACS page.
  function post(target, url, fields) {
    var form = document.createElement('form');
    form.method = 'POST';
    form.action = url;
    form.target = target.name;
    form.style.display = 'none';
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
    form.remove();
  }

  // Resolves with the params the notification page in `el` sends (ThreedsBridge.notify),
  // or null after `ms`. Only a message from that frame's window, from the service's
  // origin, counts: the ACS is another origin and cannot fake it.
  function notification(el, kind, origin, ms) {
    return new Promise(function (resolve) {
      var timer = ms > 0 ? setTimeout(function () { done(null); }, ms) : 0;
      function listen(event) {
        var data = event.data;
        if (event.source !== el.contentWindow || event.origin !== origin) return;
        if (!data || data[MESSAGE] !== kind || !Array.isArray(data.params)) return;
        done(data.params);
      }
      function done(params) {
        clearTimeout(timer);
        root.removeEventListener('message', listen);
        resolve(params);
      }
      root.addEventListener('message', listen);
    });
  }

  function param(params, name) {
    for (var i = 0; i < params.length; i++) {
      if (params[i] && params[i][0] === name) return params[i][1];
    }
    return undefined;
  }

  // The browser fields EMV 3DS asks for. JavaScript cannot read the Accept header the
  // browser sends, so it is reported only when the page passes it (options.acceptHeader).
  function browser(options) {
    var nav = root.navigator;
    var data = {
      java_enabled: typeof nav.javaEnabled === 'function' ? nav.javaEnabled() : false,
      javascript_enabled: true,
      language: nav.language,
      color_depth: root.screen.colorDepth,
      screen_height: root.screen.height,
      screen_width: root.screen.width,
      timezone_offset_minutes: new Date().getTimezoneOffset(),
      user_agent: nav.userAgent
    };
    if (options.acceptHeader) data.accept_header = options.acceptHeader;
    return data;
  }

  // The 3DS Method: posts threeDSMethodData in a hidden iframe and waits for the method
  // notification, at most options.methodTimeoutMs (EMV: 10 s). Without data, it is built
  // only from what the authentication gives; otherwise the method is not run.
  async function method(options, auth, action) {
    var data = action.data;
    var notifyUrl = action.notification_url || options.methodNotificationUrl;
    if (!data && auth.three_ds_server_trans_id && notifyUrl) {
      data = base64url(JSON.stringify({
        threeDSServerTransID: auth.three_ds_server_trans_id,
        threeDSMethodNotificationURL: notifyUrl
      }));
    }
    if (!action.url || !data) return { outcome: 'not_run' };
    var el = frame(document.body, 'position:absolute;width:0;height:0;visibility:hidden');
    var waiting = notification(el, 'method', options.origin, options.methodTimeoutMs);
    post(el, action.url, { threeDSMethodData: data });
    var params = await waiting;
    el.remove();
    if (!params) return { outcome: 'timed_out' };
    var answer = { outcome: 'completed' };
    var echoed = param(params, 'threeDSMethodData');
    if (echoed !== undefined) answer.data = echoed;
    return answer;
  }

  function windowSize(creq) {
    var decoded = decodeJson(creq);
    var size = decoded && decoded.challengeWindowSize;
    return SIZES[size] ? size : '05';
  }

  // The challenge: the CReq form-posted into an iframe in the container, sized by the
  // CReq's challengeWindowSize; resolves with what the ACS posted to the notification URL.
  // Without a CReq (Paysafe: its SDK builds one) the url is loaded as is, filling the
  // container; that page posts its end to the notification page too.
  async function challenge(options, action) {
    if (!action.url) throw fail('this challenge is opened by the PSP\'s own SDK (no url)');
    var size = action.creq && SIZES[windowSize(action.creq)];
    var style = size ? 'width:' + size[0] + 'px;height:' + size[1] + 'px'
      : 'width:100%;height:100%';
    var el = frame(options.container, 'display:block;' + style);
    var waiting = notification(el, 'challenge', options.origin, 0);
    if (action.creq) post(el, action.url, { creq: action.creq });
    else el.src = action.url;
    var params = await waiting;
    el.remove();
    var cres = param(params, 'cres');
    return { cres: cres === undefined ? null : cres, params: params };
  }

  async function report(options, auth, step, body) {
    var path = '/v1/authentications/' + encodeURIComponent(auth.id) + '/' + step;
    var response = await fetch(options.baseUrl + path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer ' + (auth.client_secret || options.secret)
      },
      body: JSON.stringify(body),
      credentials: 'omit'
    });
    var answer = await response.json().catch(function () { return null; });
    if (!response.ok) {
      var message = answer && answer.error && answer.error.message;
      throw fail('POST ' + path + ' answered ' + response.status +
        (message ? ': ' + excerpt(message) : ''));
    }
    if (!answer || typeof answer !== 'object') throw fail('POST ' + path + ' answered no object');
    return answer;
  }

  async function step(options, auth) {
    var action = auth.next_action;
    switch (action.type) {
      case 'three_ds_method':
        return report(options, auth, 'device_data',
          { browser: browser(options), method: await method(options, auth, action) });
      case 'collect_device_data':
        return report(options, auth, 'device_data',
          { browser: browser(options), method: { outcome: 'not_run' } });
      case 'challenge':
        return report(options, auth, 'challenge_result', await challenge(options, action));
      default:
        throw fail('unknown next_action type ' + excerpt(action.type));
    }
  }

  /** Performs next_action until the service answers without one; resolves with the last
   * authentication. A redirect leaves the page (it resolves with the authentication). */
  async function run(options) {
    if (!options || !options.authentication) throw fail('run needs an authentication');
    var opts = Object.assign({ methodTimeoutMs: 10000 }, options);
    opts.baseUrl = new URL(opts.baseUrl || '/', root.location.href).href.replace(/\/+$/, '');
    opts.origin = opts.notificationOrigin || new URL(opts.baseUrl).origin;
    var auth = opts.authentication;
    // Later answers may leave the secret out; the first one's stays valid for the id.
    opts.secret = auth.client_secret;
    while (auth.next_action) {
      if (auth.next_action.type === 'redirect') {
        root.location.assign(auth.next_action.url);
        return auth;
      }
      if (!opts.container && auth.next_action.type === 'challenge') {
        throw fail('a challenge needs options.container');
      }
      auth = await step(opts, auth);
      if (typeof opts.onUpdate === 'function') opts.onUpdate(auth);
    }
    return auth;
  }

  /** For the notification page the ACS posts to (inside the helper's iframe): hands the
   * posted fields, [[name, value], ...], to the page running ThreedsBridge.run. That page
   * is the merchant's, often another origin, hence '*': the fields are no secret, and the
   * receiver checks the sender's window and origin. */
  function notify(kind, params) {
    root.parent.postMessage({ threedsBridge: kind, params: params }, '*');
  }

  root.ThreedsBridge = { run: run, notify: notify, version: '1' };
})(window);
