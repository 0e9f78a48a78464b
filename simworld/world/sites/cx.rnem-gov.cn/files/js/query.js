/* cert query page (special / safety) */
(function () {
  'use strict';
  var kind = document.body.getAttribute('data-kind') || 'special';
  var uuid = '';
  var FIELDS = {
    special: [['name', '姓名'], ['workCategory', '作业类别'], ['operItem', '操作项目'], ['firstDate', '初领日期'],
      ['validStart', '有效期开始日期'], ['validEnd', '有效期结束日期'], ['shouldReviewDate', '应复审日期'],
      ['actualReviewDate', '实际复审日期'], ['issuingAuthority', '签发机关']],
    safety: [['name', '姓名'], ['personType', '人员类型'], ['industry', '行业类别'], ['firstDate', '初领日期'],
      ['validStart', '有效期开始日期'], ['validEnd', '有效期结束日期'], ['issuingAuthority', '签发机关']]
  };
  var TITLES = { special: '特种作业操作证', safety: '安全生产知识和管理能力考核合格证' };
  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function message(text) { var m = $('msg'); m.textContent = text; m.style.display = text ? 'block' : 'none'; }
  function loadCode() {
    fetch('/prod-api/certsearch/code').then(function (r) { return r.json(); }).then(function (res) {
      if (res.code === 200) { $('yzm').src = 'data:image/png;base64,' + res.img; uuid = res.uuid; }
    });
  }
  function table(item) {
    var f = FIELDS[kind], rows = '';
    for (var i = 0; i < f.length; i += 2) {
      rows += '<tr class="el-descriptions-row">';
      for (var j = i; j < i + 2; j++) {
        if (j < f.length) {
          rows += '<th class="el-descriptions-item__label is-bordered-label">' + f[j][1] + '</th>' +
            '<td class="el-descriptions-item__content">' + esc(item[f[j][0]]) + '</td>';
        } else { rows += '<th class="el-descriptions-item__label is-bordered-label"></th><td class="el-descriptions-item__content"></td>'; }
      }
      rows += '</tr>';
    }
    return '<div class="el-descriptions"><div class="el-descriptions__header"><div class="el-descriptions__title">' +
      TITLES[kind] + '</div><div class="el-descriptions__extra">证号：' + esc(item.certNo) + '</div></div>' +
      '<div class="el-descriptions__body"><table class="el-descriptions__table is-bordered"><tbody>' + rows +
      '</tbody></table></div></div>';
  }
  function render(list) {
    var box = $('result');
    if (!list || !list.length) { box.innerHTML = '<div class="empty-result">没有查询到相关证件信息！</div>'; return; }
    var cur = '', old = '';
    list.forEach(function (it) { if (it.history) { old += table(it); } else { cur += table(it); } });
    box.innerHTML = cur + (old ? '<div class="el-divider"><span>历史数据</span></div>' + old : '');
  }
  function query() {
    var t = $('idcardTypeCode').value, n = $('idcardNum').value.trim(), nm = $('name').value.trim(), c = $('code').value.trim();
    if (!t) { return message('请选择证件类型'); }
    if (!n) { return message('请输入证件号码'); }
    if (!nm) { return message('请输入姓名'); }
    if (!c) { return message('请输入验证码'); }
    message('');
    var qs = 'idcardNum=' + encodeURIComponent(n) + '&idcardTypeCode=' + encodeURIComponent(t) + '&name=' +
      encodeURIComponent(nm) + '&code=' + encodeURIComponent(c) + '&uuid=' + encodeURIComponent(uuid) +
      '&certType=' + (kind === 'safety' ? '2' : '1');
    fetch('/prod-api/certsearch/certInfo/netQuery?' + qs).then(function (r) { return r.json(); }).then(function (res) {
      if (res.code !== 200) { message(res.msg || '查询失败'); loadCode(); return; }
      render(res.data);
      loadCode();
    }).catch(function () { message('网络异常，请稍后再试'); });
  }
  $('btnQuery').addEventListener('click', query);
  $('yzm').addEventListener('click', loadCode);
  loadCode();
})();
