(function(){var s=document.getElementById('_jiucuo_');if(!s){return;}var a=document.createElement('a');
a.href='https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code='+(s.getAttribute('sitecode')||'');a.target='_blank';
a.textContent='政府网站找错';a.style.cssText='display:inline-block;margin:6px;padding:3px 10px;border:1px solid #c00;color:#c00;font-size:12px';
s.parentNode.insertBefore(a,s);})();
