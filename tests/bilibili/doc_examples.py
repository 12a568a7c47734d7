"""Example answers of bilibili's API (trimmed upstream captures; sources in docs/bilibili-api.md),
kept verbatim so the parsers are tested against the documented shapes."""

# ruff: noqa: E501

HISTORY = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "cursor": { "max": 883617049, "view_at": 1592999572, "business": "archive", "ps": 2 },
    "tab": [ { "type": "archive", "name": "视频" }, { "type": "live", "name": "直播" }, { "type": "article", "name": "专栏" } ],
    "list": [
      { "title": "600元的2007款iMac，如今过时了吗？", "long_title": "",
        "cover": "http://i0.hdslb.com/bfs/archive/fd4e0893b234ee729cf15198065eced98367ebfe.jpg", "covers": null, "uri": "",
        "history": { "oid": 497899395, "epid": 0, "bvid": "BV1NK41157EF", "page": 1, "cid": 182570131,
                     "part": "iMac", "business": "archive", "dt": 2 },
        "videos": 1, "author_name": "数字云糕Official", "author_mid": 3391089,
        "author_face": "http://i2.hdslb.com/bfs/face/238dfbca5dda5de2d5ba95ee4e99804714e2b5e2.jpg",
        "view_at": 1593000100, "progress": -1, "duration": 389, "badge": "", "show_title": "",
        "total": 0, "new_desc": "", "is_finish": 0, "is_fav": 0, "kid": 497899395,
        "tag_name": "电脑装机", "live_status": 0 },
      { "title": "许巍 《蓝莲花》吉他Cover，这回你们不用截图抓我了吧",
        "cover": "http://i2.hdslb.com/bfs/archive/0225b1f1a790393097ceebb51e89796be806d6bc.jpg", "covers": null,
        "history": { "oid": 883617049, "epid": 0, "bvid": "BV1sK4y147ob", "page": 1, "cid": 205017957,
                     "part": "许巍 《蓝莲花》 Cover_1", "business": "archive", "dt": 2 },
        "videos": 1, "author_name": "硬核拆解", "author_mid": 427494870,
        "view_at": 1592999572, "progress": 13, "duration": 91, "is_fav": 0, "kid": 883617049, "tag_name": "演奏" } ] } }
'''

FAV_FOLDERS = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": { "count": 2, "season": null,
            "list": [ { "id": 44233921, "fid": 442339, "mid": 7792521, "attr": 0, "title": "默认收藏夹", "fav_state": 0, "media_count": 85 },
                      { "id": 936347621, "fid": 9363476, "mid": 7792521, "attr": 22, "title": "放假君的鬼畜私房歌", "fav_state": 0, "media_count": 2 } ] } }
'''

FAV_RESOURCES = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "info": { "id": 1052622027, "fid": 10526220, "mid": 686127, "attr": 54, "title": "猛 男 生 存",
              "cover": "http://i2.hdslb.com/bfs/archive/bb51ee8a5fc5e03996138155f0f682d30ee16484.jpg",
              "upper": { "mid": 686127, "name": "籽岷", "face": "http://i0.hdslb.com/bfs/face/7efb679569b2faeff38fa08f6f992fa1ada5e948.webp" },
              "cnt_info": { "collect": 3393, "play": 184768, "thumb_up": 3916, "share": 44 },
              "type": 11, "intro": "猛 男 生 存", "ctime": 1598884758, "mtime": 1598884758, "media_count": 28 },
    "medias": [
      { "id": 371494037, "type": 2, "title": "猛 男 生 存",
        "cover": "http://i2.hdslb.com/bfs/archive/bb51ee8a5fc5e03996138155f0f682d30ee16484.jpg",
        "intro": "如果大家喜欢我的视频，别忘了点个赞……", "page": 1, "duration": 546,
        "upper": { "mid": 686127, "name": "籽岷", "face": "http://i0.hdslb.com/bfs/face/7efb679569b2faeff38fa08f6f992fa1ada5e948.webp" },
        "attr": 0, "cnt_info": { "collect": 11256, "play": 1638040, "danmaku": 7697 },
        "link": "bilibili://video/371494037", "ctime": 1595690513, "pubtime": 1595690513, "fav_time": 1598884777,
        "bv_id": "BV1CZ4y1T7gC", "bvid": "BV1CZ4y1T7gC", "season": null },
      { "id": 583785685, "type": 2, "title": "已失效视频",
        "cover": "http://i0.hdslb.com/bfs/archive/be27fd62c99036dce67efface486fb0a88ffed06.jpg", "page": 1, "duration": 604,
        "upper": { "mid": 293793435, "name": "社会易姐QwQ", "face": "http://i0.hdslb.com/bfs/face/aebb2639a0d47f2ce1fec0631f412eaf53d4a0be.jpg" },
        "attr": 1, "cnt_info": { "collect": 1470, "play": 28374, "danmaku": 64 },
        "link": "bilibili://video/583785685", "ctime": 1594049831, "pubtime": 1594049831, "fav_time": 1598884790,
        "bv_id": "BV1kz4y1X7XP", "bvid": "BV1kz4y1X7XP", "season": null } ],
    "has_more": true,
    "ttl": 1703349018 } }
'''

LIKES = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": { "list": [
    { "aid": 1700085880, "bvid": "BV1XK421y7ZL", "videos": 1, "tid": 21, "tname": "日常", "copyright": 1,
      "pic": "http://i0.hdslb.com/bfs/archive/7fad4ca408c66eb7ea72188f56bcf952306d5807.jpg",
      "title": "你是从什么时候，意识到自己缺爱的呢？", "pubdate": 1706706000, "ctime": 1706602115, "duration": 91, "state": 0,
      "owner": { "mid": 2104592226, "name": "鲸落艳红尘", "face": "https://i0.hdslb.com/bfs/face/80160fbcf71958e6f5ad3a4fdfa39a55cc0699a5.jpg" },
      "stat": { "aid": 1700085880, "view": 930, "danmaku": 1, "reply": 5, "favorite": 18, "coin": 0, "share": 4,
                "now_rank": 0, "his_rank": 0, "like": 27, "dislike": 0, "vt": 0, "vv": 930 },
      "cid": 1424231007, "dimension": { "width": 1920, "height": 1080, "rotate": 0 },
      "pub_location": "湖北", "inter_video": false, "resource_type": "ugc" } ] } }
'''

COINS = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": [
    { "aid": 669644066, "bvid": "BV1sa4y1j7jk", "videos": 1, "tid": 75, "tname": "动物圈", "copyright": 2,
      "pic": "http://i1.hdslb.com/bfs/archive/0f73a68b8f449cc72e9ef109685bd295dc0c0c9d.jpg",
      "title": "在人类幼崽身上用尽了温柔", "pubdate": 1600608261, "ctime": 1600608261, "duration": 29, "state": 0,
      "owner": { "mid": 258457966, "name": "卧龙寺", "face": "http://i2.hdslb.com/bfs/face/f868d1f522733fdcf72a6267e0237157dd0e9948.jpg" },
      "stat": { "aid": 669644066, "view": 3412898, "danmaku": 719, "reply": 1481, "favorite": 21909, "coin": 2864,
                "share": 13702, "now_rank": 0, "his_rank": 0, "like": 86970, "dislike": 0 },
      "cid": 237319289, "coins": 1, "time": 1601802763, "ip": "", "inter_video": false } ] }
'''

VIEW = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "bvid": "BV117411r7R1", "aid": 85440373, "videos": 1, "tid": 28, "tid_v2": 2061,
    "tname": "原创音乐", "tname_v2": "人力VOCALOID", "copyright": 1,
    "pic": "http://i1.hdslb.com/bfs/archive/ea0dd34bf41e23a68175680a00e3358cd249105f.jpg",
    "title": "当我给拜年祭的快板加了电音配乐…", "pubdate": 1580377255, "ctime": 1580212263,
    "desc": "【CB想说的】看完拜年祭之后最爱的一个节目！……", "state": 0, "duration": 486,
    "owner": { "mid": 66606350, "name": "陈楒潼桶桶桶", "face": "https://i2.hdslb.com/bfs/face/c9af3b32cf74baec5a4b65af8ca18ae5ff571f77.jpg" },
    "stat": { "aid": 85440373, "view": 2404179, "danmaku": 12348, "reply": 2676, "favorite": 58329, "coin": 72793,
              "share": 9620, "now_rank": 0, "his_rank": 55, "like": 161270, "dislike": 0, "evaluation": "", "vt": 0 },
    "dynamic": "进来就出不去了！！！\n#全民音乐UP主##CB##warma#…", "cid": 146044693,
    "dimension": { "width": 1920, "height": 1080, "rotate": 0 },
    "pages": [ { "cid": 146044693, "page": 1, "from": "vupload", "part": "…", "duration": 486,
                 "dimension": { "width": 1920, "height": 1080, "rotate": 0 } } ],
    "is_story": false, "is_upower_exclusive": false } }
'''

VIEW_DETAIL = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "View": { "bvid": "BV17x411w7KC", "aid": 170001, "videos": 10, "tid": 193, "tid_v2": 2017, "tname": "MV", "tname_v2": "MV",
              "title": "【MV】保加利亚妖王AZIS视频合辑", "duration": 2412, "pubdate": 1320850533,
              "owner": { "mid": 122541, "name": "冰封.虾子", "face": "http://i0.hdslb.com/bfs/face/40c46ee74dd6ea33d46c38cd6083e6a1286aa482.gif" },
              "stat": { "aid": 170001, "view": 45252521, "danmaku": 914336, "reply": 184686, "favorite": 883733, "coin": 291585,
                        "share": 12779204, "now_rank": 0, "his_rank": 13, "like": 928358, "dislike": 0, "evaluation": "", "vt": 0 } },
    "Card": { "card": { "mid": "122541", "name": "冰封.虾子", "fans": 64052 },
              "following": false, "archive_count": 382, "follower": 64052, "like_num": 1048712 },
    "Tags": [
      { "tag_id": 0, "tag_name": "发现《Hop》", "music_id": "MA407124762800730394", "tag_type": "bgm",
        "jump_url": "https://music.bilibili.com/h5/music-detail?music_id=MA407124762800730394&cid=279786&aid=170001&na_close_hide=1" },
      { "tag_id": 117552, "tag_name": "保加利亚妖王", "music_id": "", "tag_type": "old_channel", "jump_url": "" },
      { "tag_id": 2512079, "tag_name": "mv", "music_id": "", "tag_type": "old_channel", "jump_url": "" } ],
    "Related": [
      { "aid": 80433022, "bvid": "BV1GJ411x7h7", "tid": 193, "tname": "MV", "tidv2": 2017, "tnamev2": "MV",
        "pid_v2": 1003, "pid_name_v2": "音乐", "title": "【官方 MV】Never Gonna Give You Up - Rick Astley",
        "duration": 213, "pubdate": 1577835803,
        "pic": "http://i1.hdslb.com/bfs/archive/5242750857121e05146d5d5b13a47a2a6dd36e98.jpg",
        "owner": { "mid": 486906719, "name": "索尼音乐中国", "face": "…" },
        "stat": { "aid": 80433022, "view": 91790223, "danmaku": 128050, "reply": 170137, "favorite": 1286326,
                  "coin": 1061915, "share": 396054, "now_rank": 0, "his_rank": 0, "like": 2464595, "dislike": 0 },
        "rcmd_reason": "",
        "ai_rcmd": { "id": 80433022, "goto": "av", "trackid": "web_related_0.router-related-…", "uniq_id": "" } } ],
    "participle": [ "保加利亚", "azis", "mv" ],
    "Reply": { "page": null, "replies": [] }, "Spec": null, "hot_share": { "show": false, "list": [] }, "elec": null,
    "emergency": { "no_like": false, "no_coin": false, "no_fav": false, "no_share": false },
    "view_addit": { "63": false, "64": false, "69": false, "71": false, "72": false },
    "guide": null, "query_tags": null, "module_ctrl": null, "replace_recommend": false } }
'''

TAGS = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": [
    { "tag_id": 0, "tag_name": "发现《Other Side》", "music_id": "MA456128506519140428", "tag_type": "bgm",
      "jump_url": "https://music.bilibili.com/h5/music-detail?music_id=MA456128506519140428&cid=153322313&aid=89772773&na_close_hide=1" },
    { "tag_id": 12620189, "tag_name": "异度侵入", "music_id": "", "tag_type": "old_channel", "jump_url": "" },
    { "tag_id": 707, "tag_name": "ED", "music_id": "", "tag_type": "old_channel", "jump_url": "" } ] }
'''

POPULAR = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "list": [
      { "aid": 1356452135, "bvid": "BV1tz421i7zb", "videos": 1, "tid": 250, "tname": "出行", "copyright": 1,
        "pic": "http://i2.hdslb.com/bfs/archive/5c3a47b7189caa84965c03b08007635a3c2e0405.jpg",
        "title": "《抬您上泰山》", "pubdate": 1722060600, "ctime": 1722018603, "duration": 138, "state": 0,
        "owner": { "mid": 1339110285, "name": "赵峰山西四人行", "face": "https://i0.hdslb.com/bfs/face/6dfc87876cc8e6a0b81f113a5b3c1b473f48cb7a.jpg" },
        "stat": { "aid": 1356452135, "view": 2465053, "danmaku": 8467, "reply": 4426, "favorite": 46567, "coin": 168267,
                  "share": 23180, "now_rank": 0, "his_rank": 2, "like": 403250, "dislike": 0, "vt": 0, "vv": 2465053 },
        "cid": 1628605145, "dimension": { "width": 1080, "height": 1920, "rotate": 0 },
        "short_link_v2": "https://b23.tv/BV1tz421i7zb", "pub_location": "山东",
        "season_type": 0, "is_ogv": false, "ogv_info": null, "enable_vt": 0, "ai_rcmd": null,
        "rcmd_reason": { "content": "百万播放", "corner_mark": 0 } } ],
    "no_more": false } }
'''

WEEKLY_ONE = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "config": { "id": 3, "type": "weekly_selected", "number": 3, "subject": "人类首张黑洞照片",
                "stime": 1554393600, "etime": 1554998399, "status": 2, "name": "2019第3期 04.05 - 04.11",
                "label": "第3期(0412更新)", "hint": "本周热词：", "color": 2,
                "cover": "http://i0.hdslb.com/bfs/archive/c10fe5913a1e503bcd68db69158605df2bf54424.jpg",
                "share_title": "人类首张黑洞照片  | B站每周必看2019年第3期",
                "share_subtitle": "和B站小伙伴一起见证历史！黑洞到底长啥样？", "media_id": 448239988 },
    "reminder": "每周五晚18:00更新",
    "list": [
      { "aid": 48918074, "bvid": "BV1Nb411M7r8", "tid": 201, "tname": "科学科普", "title": "人类第一张黑洞照片，来了！",
        "duration": 89, "pubdate": 1554904794,
        "pic": "http://i0.hdslb.com/bfs/archive/a2cbee9c1e2e854e161f1bddc04d657baf6e95f5.jpg",
        "owner": { "mid": 407045223, "name": "二次元的中科院物理所", "face": "https://i0.hdslb.com/bfs/face/978ea07f22e54c2e62f01def8e815b59adacc5d0.jpg" },
        "stat": { "aid": 48918074, "view": 1594796, "danmaku": 23255, "reply": 16022, "favorite": 23084, "coin": 26411,
                  "share": 10095, "now_rank": 0, "his_rank": 7, "like": 62712, "dislike": 0 },
        "rcmd_reason": "和B站小伙伴一起见证历史！黑洞到底长啥样？错过直播的你还不快点进来。" } ] } }
'''

RANKING = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": { "note": "根据稿件内容质量、近期的数据综合展示，动态更新",
    "list": [
      { "aid": 517751921, "bvid": "BV1Eg411v7a1", "tid": 253, "tname": "动漫杂谈",
        "title": "神作之月！十年前的奇迹！新番时光机「2012年10月篇」", "duration": 752, "pubdate": 1668856639,
        "pic": "http://i1.hdslb.com/bfs/archive/c70d89ce459eb4a501885f7050ee37d94a5944e4.jpg",
        "owner": { "mid": 63231, "name": "泛式", "face": "https://i0.hdslb.com/bfs/face/2608aaa45309c77ac88fbfaa40e160b8c7892985.jpg" },
        "stat": { "aid": 517751921, "view": 1156543, "danmaku": 14224, "reply": 5601, "favorite": 28753, "coin": 58324,
                  "share": 6548, "now_rank": 0, "his_rank": 11, "like": 136884, "dislike": 0 },
        "score": 0 } ] } }
'''

PRECIOUS = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": { "title": "入站必刷", "media_id": 496307088, "explain": "我不允许还有人没看过这98个宝藏视频！",
    "list": [
      { "aid": 706, "bvid": "BV1xx411c79H", "tid": 47, "tname": "同人·手书", "title": "【東方】Bad Apple!! ＰＶ【影絵】",
        "duration": 219, "pubdate": 1256995125,
        "pic": "http://i1.hdslb.com/bfs/archive/753453a776fca838165a52c7511e8557857b61ea.jpg",
        "owner": { "mid": 37, "name": "折射", "face": "…" },
        "stat": { "aid": 706, "view": 11329388, "danmaku": 82247, "reply": 544932, "favorite": 502984, "coin": 195079,
                  "share": 95877, "now_rank": 0, "his_rank": 88, "like": 480388, "dislike": 0, "vt": 0, "vv": 11329388 },
        "achievement": "东方project标志性视频" } ] } }
'''

RELATED = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": [
    { "aid": 21322566, "bvid": "BV1XW411M7Gu", "videos": 1, "tid": 124, "tname": "趣味科普人文", "copyright": 1,
      "pic": "http://i2.hdslb.com/bfs/archive/37f383ac35d386af1fc578108ad643e5952ff66a.jpg",
      "title": "bilibili上市宣传视频", "pubdate": 1522205992, "ctime": 1522205994, "duration": 155, "state": 0,
      "owner": { "mid": 208259, "name": "陈睿", "face": "http://i2.hdslb.com/bfs/face/8920e6741fc2808cce5b81bc27abdbda291655d3.png" },
      "stat": { "aid": 21322566, "view": 2129084, "danmaku": 51108, "reply": 18119, "favorite": 46524, "coin": 85223,
                "share": 16669, "now_rank": 0, "his_rank": 1, "like": 95621, "dislike": 0 },
      "cid": 35063529 } ] }
'''

FEED = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "item": [
      { "id": 1255924089, "bvid": "BV1DJ4m1u7Mp", "cid": 1600833978, "goto": "av",
        "uri": "https://www.bilibili.com/video/BV1DJ4m1u7Mp",
        "pic": "http://i0.hdslb.com/bfs/archive/5068d860e8bbc37679ece933aa8e6d8428cfb5c1.jpg",
        "pic_4_3": "http://i0.hdslb.com/bfs/aistory/2024-07-01-1145021255924089_1612_gener.jpg",
        "title": "人类这种生物，看到按钮就会按下去。", "duration": 326, "pubdate": 1719805500,
        "owner": { "mid": 5616993, "name": "马夫鱼33", "face": "https://i0.hdslb.com/bfs/face/4c2af23046147e91ce5a4af3375464fdcf1956e6.jpg" },
        "stat": { "view": 667067, "like": 28529, "danmaku": 483, "vt": 0 },
        "av_feature": null, "is_followed": 0, "rcmd_reason": { "content": "2万点赞", "reason_type": 3 },
        "show_info": 1, "track_id": "web_pegasus_4.router-web-pegasus-1554782-5c89895477-smhn8.1721098961744.133",
        "pos": 0, "room_info": null, "ogv_info": null, "business_info": null, "is_stock": 0,
        "enable_vt": 0, "vt_display": "", "dislike_switch": 1, "dislike_switch_pc": 0 } ],
    "business_card": null, "floor_info": null, "user_feature": null, "mid": 293793435,
    "preload_expose_pct": 0.5, "preload_floor_expose_pct": 0.5, "side_bar_column": [] } }
'''
WEEKLY_LIST = r'''
{"code":0,"message":"0","ttl":1,"data":{"list":[{"number":279,"subject":"身残志坚钻石大盗","status":2,"name":"2024第279期 07.19 - 07.25"}]}}
'''

NAV_LOGGED_OUT = r'''
{ "code": -101, "message": "账号未登录", "ttl": 1,
  "data": { "isLogin": false,
            "wbi_img": { "img_url": "https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png",
                         "sub_url": "https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png" } } }
'''

COOKIE_INFO = r'''{"code":0,"message":"0","ttl":1,"data":{"refresh":false,"timestamp":1684466082562}}'''
COOKIE_REFRESH = r'''{"code":0,"message":"0","ttl":1,"data":{"status":0,"message":"","refresh_token":"ae1bd1149b56af9743ffe7bbbeff3e51"}}'''
CONFIRM_REFRESH = r'''{"code":0,"message":"0","ttl":1}'''

# §15.1 followings (trimmed upstream example, 2025 doc)
FOLLOWINGS = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "list": [
      { "mid": 14082, "attribute": 2, "mtime": 1584271945, "tag": null, "special": 0, "contract_info": {},
        "uname": "山新", "face": "https://i0.hdslb.com/bfs/face/74c82caee6d9eb623e56161ea8ed6d68afabfeae.jpg",
        "sign": "…", "official_verify": { "type": 0, "desc": "配音演员、声优。洛天依声源提供者。" },
        "vip": { "vipType": 2, "vipStatus": 1 }, "name_render": {}, "rec_reason": "", "track_id": "", "follow_time": "" },
      { "mid": 420831218, "attribute": 2, "mtime": 1584208169, "tag": [207542], "special": 0, "contract_info": {},
        "uname": "支付宝Alipay", "official_verify": { "type": 1, "desc": "支付宝官方账号" } } ],
    "re_version": 0, "total": 1028 } }
'''

# §15.2 an uploader's videos (trimmed upstream example, 2025)
ARC_SEARCH = r'''
{ "code": 0, "message": "0", "ttl": 1,
  "data": {
    "list": { "slist": [],
              "tlist": { "160": { "tid": 160, "count": 96, "name": "生活" }, "188": { "tid": 188, "count": 444, "name": "科技" } },
              "vlist": [
                { "aid": 114375683741573, "bvid": "BV1ac5yzhE94", "title": "和朋友去西藏拍样片日记……",
                  "pic": "http://i0.hdslb.com/bfs/archive/5e56c10a9bd67f2fcac46fdd0fc2caa8769700c8.jpg",
                  "description": "…", "created": 1745290800, "length": "22:11", "play": 224185, "comment": 985,
                  "video_review": 2365, "typeid": 250, "copyright": "1", "author": "影视飓风", "mid": 946974,
                  "is_union_video": 1, "is_charging_arc": false, "is_lesson_video": 0, "is_live_playback": 0,
                  "is_self_view": false, "season_id": 2046621, "meta": { "id": 2046621, "title": "样片日记", "ep_count": 13 },
                  "hide_click": false, "jump_url": "", "playback_position": 0 } ] },
    "page": { "pn": 1, "ps": 42, "count": 786 },
    "episodic_button": { "text": "播放全部", "uri": "//www.bilibili.com/medialist/play/946974?from=space" },
    "is_risk": false, "gaia_res_type": 0, "gaia_data": null } }
'''
