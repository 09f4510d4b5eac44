import { Input, Text, View } from '@tarojs/components';
import { Dialog, Table } from '@nutui/nutui-react-taro';
import '@nutui/nutui-react-taro/dist/es/packages/table/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/dialog/style/css';
import { useCallback, useEffect, useState } from 'react';
import { SHANGHAI_DISTRICTS, STAFF_ROLE_LABELS, STAFF_ROLES, type StaffAccountView, type StaffRole } from '@ssp/shared';
import { ApiError } from '../../services/api';
import { consoleApi } from '../../services/console';
import { formatTime } from '../../lib/format';
import { withSorters } from '../tableSort';
import { ConsoleLayout, TableWrap } from '../ConsoleLayout';
import { useAdminGuard } from '../useAdmin';

const districtName = (code: string) => SHANGHAI_DISTRICTS.find((d) => d.code === code)?.name ?? code;

/** 账号与权限: create accounts, change roles and district scope, disable, reset passwords (shown once). */
export default function StaffPage() {
  const ok = useAdminGuard();
  const [items, setItems] = useState<StaffAccountView[]>([]);
  const [form, setForm] = useState<{ username: string; displayName: string; roles: StaffRole[]; districts: string[] }>({ username: '', displayName: '', roles: ['operator'], districts: [] });
  const [editing, setEditing] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => setItems((await consoleApi.staff()).items), []);
  useEffect(() => {
    if (ok) void load().catch(() => setError('加载失败'));
  }, [ok, load]);

  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const run = async (action: () => Promise<unknown>) => {
    setError('');
    try {
      await action();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message}${err.details.length ? '：' + err.details.map((d) => d.message).join('；') : ''}` : '操作失败');
    }
  };
  const create = () =>
    run(async () => {
      const created = await consoleApi.createStaff(form);
      setSecret({ username: created.username, password: created.initialPassword });
      setForm({ username: '', displayName: '', roles: ['operator'], districts: [] });
    });
  const edit = editing ? items.find((a) => a.id === editing) : null;

  const columns = [
    { key: 'username', title: '用户名', sorter: true },
    { key: 'displayName', title: '姓名', sorter: true },
    { key: 'roles', title: '角色', render: (a: StaffAccountView) => a.roles.map((r) => STAFF_ROLE_LABELS[r]).join('、') },
    { key: 'districts', title: '辖区', render: (a: StaffAccountView) => (a.districts.length ? a.districts.map(districtName).join('、') : '全市') },
    { key: 'state', title: '状态', render: (a: StaffAccountView) => (a.disabled ? '已停用' : a.mustChangePassword ? '待改初始密码' : '正常') },
    { key: 'lastLoginAt', title: '最近登录', sorter: true, render: (a: StaffAccountView) => (a.lastLoginAt ? formatTime(a.lastLoginAt) : '—') },
    {
      key: 'ops',
      title: '操作',
      render: (a: StaffAccountView) => (
        <View className='form-row'>
          <View className='cell-link' role='button' onClick={() => setEditing(a.id)} data-testid={`edit-${a.username}`}>修改权限</View>
          <View className='cell-link' role='button' onClick={() => void run(async () => { const r = await consoleApi.updateStaff(a.id, { resetPassword: true }); setSecret({ username: a.username, password: r.initialPassword! }); })}>重置密码</View>
          <View className='cell-link' role='button' onClick={() => void run(() => consoleApi.updateStaff(a.id, { disabled: !a.disabled }))}>{a.disabled ? '启用' : '停用'}</View>
        </View>
      ),
    },
  ];

  if (!ok) return <View />;
  return (
    <ConsoleLayout active='staff' title='账号与权限'>
      <View className='panel'>
        <Text className='panel-title'>新建账号</Text>
        <View className='form-row'>
          <Input className='f-input' value={form.username} placeholder='用户名（小写字母开头）' onInput={(e) => setForm({ ...form, username: e.detail.value })} data-testid='staff-username' />
          <Input className='f-input' value={form.displayName} placeholder='姓名' onInput={(e) => setForm({ ...form, displayName: e.detail.value })} data-testid='staff-name' />
        </View>
        <View className='form-row'>
          <Text>角色：</Text>
          {STAFF_ROLES.map((r) => (
            <View key={r} className={`f-check ${form.roles.includes(r) ? 'on' : ''}`} role='checkbox' aria-checked={form.roles.includes(r)} onClick={() => setForm({ ...form, roles: toggle(form.roles, r) })} data-testid={`role-${r}`}>{STAFF_ROLE_LABELS[r]}</View>
          ))}
        </View>
        <View className='form-row'>
          <Text>辖区（不选为全市）：</Text>
          {SHANGHAI_DISTRICTS.map((d) => (
            <View key={d.code} className={`f-check ${form.districts.includes(d.code) ? 'on' : ''}`} role='checkbox' aria-checked={form.districts.includes(d.code)} onClick={() => setForm({ ...form, districts: toggle(form.districts, d.code) })} data-testid={`district-${d.code}`}>{d.name}</View>
          ))}
        </View>
        <View className='c-btn' role='button' onClick={() => void create()} data-testid='staff-create'>创建账号</View>
      </View>
      {edit && (
        <View className='panel' data-testid='staff-edit'>
          <Text className='panel-title'>修改 {edit.username} 的权限（保存后该账号需重新登录）</Text>
          <View className='form-row'>
            {STAFF_ROLES.map((r) => (
              <View key={r} className={`f-check ${edit.roles.includes(r) ? 'on' : ''}`} role='checkbox' aria-checked={edit.roles.includes(r)} onClick={() => setItems(items.map((a) => (a.id === edit.id ? { ...a, roles: toggle(a.roles, r) } : a)))}>{STAFF_ROLE_LABELS[r]}</View>
            ))}
          </View>
          <View className='form-row'>
            {SHANGHAI_DISTRICTS.map((d) => (
              <View key={d.code} className={`f-check ${edit.districts.includes(d.code) ? 'on' : ''}`} role='checkbox' aria-checked={edit.districts.includes(d.code)} onClick={() => setItems(items.map((a) => (a.id === edit.id ? { ...a, districts: toggle(a.districts, d.code) } : a)))}>{d.name}</View>
            ))}
          </View>
          <View className='form-row'>
            <View className='c-btn' role='button' onClick={() => void run(() => consoleApi.updateStaff(edit.id, { roles: edit.roles, districts: edit.districts })).then(() => setEditing(null))}>保存</View>
            <View className='c-btn ghost' role='button' onClick={() => (setEditing(null), void load())}>取消</View>
          </View>
        </View>
      )}
      {error && <Text className='error-text' data-testid='staff-error'>{error}</Text>}
      <TableWrap label='账号列表'>
        <Table columns={withSorters(columns) as never} data={items} bordered striped />
      </TableWrap>
      <Dialog
        visible={Boolean(secret)}
        title='初始密码（只显示这一次）'
        content={
          <View>
            <Text>账号 {secret?.username} 的密码：</Text>
            <Text className='secret' data-testid='initial-password'>{secret?.password}</Text>
            <Text>请当面或通过安全渠道交给本人；首次登录后必须修改。</Text>
          </View>
        }
        confirmText='我已记下'
        hideCancelButton
        onConfirm={() => setSecret(null)}
        onCancel={() => setSecret(null)}
      />
    </ConsoleLayout>
  );
}
