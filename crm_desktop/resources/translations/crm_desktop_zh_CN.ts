<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountPage</name>
    <message>
        <location filename="../../views/settings_dialog.py" line="+119"/>
        <source>Signing in to your company&apos;s HQ server, to sync with it, will be possible here in a coming version. Until then, sign in from the command line: crm-desktop login --server URL --user NAME</source>
        <translation>在后续版本中，可以在这里登录公司总部服务器并与之同步。在此之前，请在命令行登录：crm-desktop login --server URL --user NAME</translation>
    </message>
</context>
<context>
    <name>Activities</name>
    <message>
        <location filename="../../views/activities_model.py" line="+41"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Connected</source>
        <translation>已接通</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Busy</source>
        <translation>占线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voicemail</source>
        <translation>语音信箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong number</source>
        <translation>号码错误</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Outgoing</source>
        <translation>呼出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming</source>
        <translation>呼入</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject / outcome</source>
        <translation>主题 / 结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
</context>
<context>
    <name>ActivitiesView</name>
    <message>
        <location filename="../../views/activities_view.py" line="+63"/>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Any outcome</source>
        <translation>任意结果</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Custom range</source>
        <translation>自定义范围</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Log a call…</source>
        <translation>记录通话…</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
</context>
<context>
    <name>CallDialog</name>
    <message>
        <location filename="../../views/call_dialog.py" line="+124"/>
        <source>Log a call</source>
        <translation>记录通话</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>mm:ss</source>
        <translation>分:秒</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>What was said, what comes next…</source>
        <translation>谈了什么，下一步做什么…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Create follow-up task in</source>
        <translation>创建跟进任务，期限</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> days</source>
        <translation> 天后</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Save (Ctrl+Enter)</source>
        <translation>保存 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Choose a contact from the list.</source>
        <translation>请从列表中选择联系人。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Enter the duration as minutes:seconds.</source>
        <translation>请按“分:秒”格式输入时长。</translation>
    </message>
</context>
<context>
    <name>CallTimer</name>
    <message>
        <location line="-176"/>
        <location line="+31"/>
        <source>Start timer</source>
        <translation>开始计时</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Stop timer</source>
        <translation>停止计时</translation>
    </message>
</context>
<context>
    <name>CompaniesView</name>
    <message>
        <location filename="../../views/companies_view.py" line="+237"/>
        <source>Search companies: name, pinyin, city…</source>
        <translation>搜索公司：名称、拼音、城市…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New company</source>
        <translation>新建公司</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+59"/>
        <source>Delete company</source>
        <translation>删除公司</translation>
    </message>
    <message numerus="yes">
        <location line="-44"/>
        <source>%n company(s)</source>
        <translation>
            <numerusform>%n 家公司</numerusform>
        </translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Delete the company {0}? Its contacts, deals, activities and tasks are kept, without a company.</source>
        <translation>删除公司 {0}？其联系人、商机、活动和任务将保留，但不再关联公司。</translation>
    </message>
</context>
<context>
    <name>CompanyEditor</name>
    <message>
        <location filename="../../views/company_editor.py" line="+76"/>
        <source>Edit company</source>
        <translation>编辑公司</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New company</source>
        <translation>新建公司</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Name *</source>
        <translation>名称 *</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>CompanyListModel</name>
    <message>
        <location filename="../../views/companies_view.py" line="-255"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
</context>
<context>
    <name>CompanyPage</name>
    <message>
        <location filename="../../views/company_page.py" line="+102"/>
        <location line="+104"/>
        <source>Select a company to see its details.</source>
        <translation>选择一家公司以查看详情。</translation>
    </message>
    <message>
        <location line="-96"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Deal</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+87"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Country</source>
        <translation>国家/地区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>open</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>lost</source>
        <translation>输单</translation>
    </message>
</context>
<context>
    <name>ContactDetail</name>
    <message>
        <location filename="../../views/contact_detail.py" line="+87"/>
        <location line="+75"/>
        <source>Select a contact to see its details.</source>
        <translation>选择一个联系人以查看详情。</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>Log call</source>
        <translation>记录通话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Phone ({0})</source>
        <translation>电话（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Email ({0})</source>
        <translation>邮箱（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>calls</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Consent</source>
        <translation>同意授权</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <location filename="../../views/contact_editor.py" line="+100"/>
        <source>Edit contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Name *</source>
        <translation>姓名 *</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+4"/>
        <source>work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>home</source>
        <translation>家庭</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Phones</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>personal</source>
        <translation>个人</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Emails</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>comma-separated, e.g. VIP, 华东</source>
        <translation>用逗号分隔，例如 VIP, 华东</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Consent</source>
        <translation>同意授权</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Calls</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
</context>
<context>
    <name>ContactPicker</name>
    <message>
        <location filename="../../views/contact_picker.py" line="+75"/>
        <source>Type a name, company or phone…</source>
        <translation>输入姓名、公司或电话…</translation>
    </message>
</context>
<context>
    <name>ContactTableModel</name>
    <message>
        <location filename="../../views/contact_model.py" line="+75"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Company</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
</context>
<context>
    <name>ContactsView</name>
    <message>
        <location filename="../../views/contacts_view.py" line="+95"/>
        <source>Search contacts: name, pinyin, phone, email…</source>
        <translation>搜索联系人：姓名、拼音、电话、邮箱…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Any company</source>
        <translation>全部公司</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter by a custom field</source>
        <translation>按自定义字段筛选</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+360"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="-355"/>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+302"/>
        <source>All tags</source>
        <translation>全部标签</translation>
    </message>
    <message>
        <location line="-301"/>
        <location line="+302"/>
        <source>All owners</source>
        <translation>全部负责人</translation>
    </message>
    <message>
        <location line="-301"/>
        <location line="+311"/>
        <source>Any field</source>
        <translation>任意字段</translation>
    </message>
    <message>
        <location line="-283"/>
        <location line="+89"/>
        <source>Delete contact</source>
        <translation>删除联系人</translation>
    </message>
    <message>
        <location line="-83"/>
        <source>Edit contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location line="+299"/>
        <source>Any value</source>
        <translation>任意值</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>Log a call</source>
        <translation type="obsolete">记录通话</translation>
    </message>
    <message>
        <location line="-228"/>
        <source>Delete {0}? Their tasks and activities are deleted too; deals are kept.</source>
        <translation>删除 {0}？其任务和活动也会一并删除；商机将保留。</translation>
    </message>
    <message numerus="yes">
        <location line="+121"/>
        <source>%n contact(s)</source>
        <translation>
            <numerusform>%n 个联系人</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>first {0} matches</source>
        <translation>前 {0} 条匹配</translation>
    </message>
</context>
<context>
    <name>CustomFieldsPage</name>
    <message>
        <location filename="../../views/custom_fields_page.py" line="+50"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Companies</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choice</source>
        <translation>单选</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Fields of:</source>
        <translation>字段所属：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Label</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Key</source>
        <translation>标识</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+50"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reordering fields needs a newer version of the app.</source>
        <translation>调整字段顺序需要更新版本的应用。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>New field</source>
        <translation>新建字段</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>e.g. Lead source</source>
        <translation>例如：客户来源</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>lead_source</source>
        <translation>ke_hu_lai_yuan</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The field&apos;s stable name in exports and sync: a-z, 0-9 and _.</source>
        <translation>字段在导出和同步中使用的固定名称：仅限 a-z、0-9 和 _。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>One option per line</source>
        <translation>每行一个选项</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Options:</source>
        <translation>选项：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Label:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key:</source>
        <translation>标识：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Field “{0}” added.</source>
        <translation>已添加字段“{0}”。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>A field with this key already exists.</source>
        <translation>已有使用此标识的字段。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter a key.</source>
        <translation>请输入标识。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The key may hold only a-z, 0-9 and _, and not start with a digit.</source>
        <translation>标识只能包含 a-z、0-9 和 _，且不能以数字开头。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter a label.</source>
        <translation>请输入名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A choice field needs at least one option.</source>
        <translation>单选字段至少需要一个选项。</translation>
    </message>
</context>
<context>
    <name>DemoPage</name>
    <message>
        <location filename="../../views/welcome.py" line="+154"/>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fictional contacts, companies, deals, calls and tasks show what the app can do. Leave this off to start with an empty store.</source>
        <translation>虚构的联系人、公司、商机、通话和任务，用来展示应用的功能。不勾选则从空数据库开始。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load the demo dataset</source>
        <translation>加载演示数据集</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} contacts</source>
        <translation>{0} 个联系人</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Create store</source>
        <translation>创建数据库</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../views/messages.py" line="+31"/>
        <source>Wrong passphrase. Nothing was changed; try again.</source>
        <translation>密码短语错误。未做任何更改，请重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That record no longer exists (deleted here or by a sync).</source>
        <translation>该记录已不存在（已在本机删除或被同步删除）。</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <location filename="../../views/settings_dialog.py" line="-65"/>
        <location line="+7"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The new language applies when you restart crm-desktop.</source>
        <translation>新语言将在重新启动 crm-desktop 后生效。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../views/main_window.py" line="+91"/>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Companies</source>
        <translation>公司</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Deals</source>
        <translation>商机</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Activities</source>
        <translation>活动</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>crm-desktop</source>
        <translation>crm-desktop</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>&amp;New…</source>
        <translation>新建(&amp;N)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Log a call…</source>
        <translation>记录通话(&amp;L)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About crm-desktop</source>
        <translation>关于 crm-desktop(&amp;A)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Encrypted store: {0}</source>
        <translation>加密数据库：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sync: not signed in</source>
        <translation>同步：未登录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>About crm-desktop</source>
        <translation>关于 crm-desktop</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;h3&gt;crm-desktop {0}&lt;/h3&gt;&lt;p&gt;An offline-first CRM for field sales. Your data is kept in an encrypted store on this computer and syncs with your company&apos;s server when you are online.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;crm-desktop {0}&lt;/h3&gt;&lt;p&gt;面向外勤销售的离线优先 CRM。您的数据保存在本机的加密数据库中，联网时与公司服务器同步。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>PassphrasePage</name>
    <message>
        <location filename="../../views/welcome.py" line="-76"/>
        <source>Choose a passphrase</source>
        <translation>设置密码短语</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It encrypts your data. Without it the data cannot be recovered: keep it somewhere safe.</source>
        <translation>它用于加密您的数据。没有它，数据将无法恢复：请妥善保管。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Passphrase:</source>
        <translation>密码短语：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Repeat it:</source>
        <translation>再次输入：</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>At least {0} characters.</source>
        <translation>至少 {0} 个字符。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: weak</source>
        <translation>强度：弱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: fair</source>
        <translation>强度：一般</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: good</source>
        <translation>强度：良好</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Strength: strong</source>
        <translation>强度：强</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The passphrases do not match.</source>
        <translation>两次输入的密码短语不一致。</translation>
    </message>
</context>
<context>
    <name>Reminders</name>
    <message>
        <location filename="../../views/reminders.py" line="+104"/>
        <source>Task reminder</source>
        <translation>任务提醒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} task reminders</source>
        <translation>{0} 个任务提醒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>…and {0} more</source>
        <translation>…还有 {0} 个</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} (due {1})</source>
        <translation>{0}（{1} 到期）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../views/settings_dialog.py" line="+65"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
</context>
<context>
    <name>SetupPage</name>
    <message>
        <location filename="../../views/welcome.py" line="+135"/>
        <source>Setting up</source>
        <translation>正在设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stop loading</source>
        <translation>停止加载</translation>
    </message>
</context>
<context>
    <name>StoreOpening</name>
    <message>
        <location filename="../../views/store_opening.py" line="+145"/>
        <source>Opening the store…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Nothing was changed. The app will close.</source>
        <translation>未做任何更改。应用将关闭。</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <location filename="../../views/task_dialog.py" line="+63"/>
        <source>New task</source>
        <translation>新建任务</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>What needs doing?</source>
        <translation>需要做什么？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remind me</source>
        <translation>提醒我</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Give the task a title.</source>
        <translation>请填写任务标题。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a contact from the list, or clear the field.</source>
        <translation>请从列表中选择联系人，或清空此项。</translation>
    </message>
</context>
<context>
    <name>TasksView</name>
    <message>
        <location filename="../../views/tasks_view.py" line="+67"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+163"/>
        <source>New task…</source>
        <translation>新建任务…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Overdue ({0})</source>
        <translation>已逾期 ({0})</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Today ({0})</source>
        <translation>今天 ({0})</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Upcoming ({0})</source>
        <translation>即将到期 ({0})</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../views/timeline.py" line="+18"/>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task done</source>
        <translation>任务完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal created</source>
        <translation>商机已创建</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal moved</source>
        <translation>商机阶段变更</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal won</source>
        <translation>商机赢单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deal lost</source>
        <translation>商机输单</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>inbound</source>
        <translation>呼入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>outbound</source>
        <translation>呼出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>connected</source>
        <translation>已接通</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>busy</source>
        <translation>占线</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>voicemail</source>
        <translation>语音信箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong number</source>
        <translation>号码错误</translation>
    </message>
</context>
<context>
    <name>TimelineList</name>
    <message>
        <location line="+42"/>
        <source>No activities yet.</source>
        <translation>暂无活动。</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <location filename="../../views/unlock.py" line="+55"/>
        <source>Unlock crm-desktop</source>
        <translation>解锁 crm-desktop</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your data is encrypted. Enter the passphrase to unlock it.</source>
        <translation>您的数据已加密。请输入密码短语解锁。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Store: {0}</source>
        <translation>数据库：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Passphrase</source>
        <translation>密码短语</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../views/welcome.py" line="-208"/>
        <source>Welcome to crm-desktop</source>
        <translation>欢迎使用 crm-desktop</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>crm-desktop keeps your customers, calls, deals and tasks on this computer, encrypted, and works without a network. Let&apos;s set up your store.</source>
        <translation>crm-desktop 将您的客户、通话、商机和任务加密保存在这台电脑上，无需网络即可使用。现在来设置您的数据库。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The key that encrypts your data will be kept in the system keychain, so you will not need to type a passphrase.</source>
        <translation>加密数据的密钥将保存在系统钥匙串中，您无需输入密码短语。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This system has no keychain to keep a key in, so you will choose a passphrase that encrypts your data.</source>
        <translation>此系统没有可保存密钥的钥匙串，因此您需要设置一个密码短语来加密数据。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your data will be stored in: {0}</source>
        <translation>数据将保存在：{0}</translation>
    </message>
</context>
<context>
    <name>WelcomeWizard</name>
    <message>
        <location line="+224"/>
        <source>Set up crm-desktop</source>
        <translation>设置 crm-desktop</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Creating the encrypted store…</source>
        <translation>正在创建加密数据库…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Loading demo data: {0} of {1} contacts…</source>
        <translation>正在加载演示数据：{0} / {1} 个联系人…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Stopping after the current batch…</source>
        <translation>当前批次完成后停止…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The store could not be created: {0}</source>
        <translation>无法创建数据库：{0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Your store is ready.</source>
        <translation>数据库已就绪。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The demo data could not be loaded: {0}</source>
        <translation>无法加载演示数据：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Demo loading was stopped: {0} contacts were loaded.</source>
        <translation>已停止加载演示数据：已加载 {0} 个联系人。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Demo data: {0} contacts, {1} companies, {2} deals.</source>
        <translation>演示数据：{0} 个联系人、{1} 家公司、{2} 个商机。</translation>
    </message>
</context>
</TS>
