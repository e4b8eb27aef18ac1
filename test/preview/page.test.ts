/** The preview page's pieces without a browser: datasource samples, Markdown sanitising, widgets, file names. */
import { describe, expect, it } from 'vitest';
import { previewPages, renderServicePreview, sampleChoices, type ProjectModel, type ServiceModel } from '@vkmp/core';
import { ibService } from './ib-fixture.js';

const values = (source: string, filter?: Record<string, unknown>, valueIs?: string) => sampleChoices(source, filter, valueIs).map((c) => c.value);
const labels = (source: string, filter?: Record<string, unknown>) => sampleChoices(source, filter).map((c) => c.label.split(' ')[0]);

describe('datasource samples follow the option filter (SPEC §C.7.4)', () => {
  it('flavors by vCPU and RAM (MB)', () => {
    expect(labels('flavor')).toHaveLength(9);
    expect(labels('flavor', { vcpus: { minimum: 8 } })).toEqual(['STD3-8-16', 'STD3-8-32', 'STD3-16-64']);
    expect(labels('flavor', { vcpus: { maximum: 2 }, ram: { minimum: 4096, maximum: 4096 } })).toEqual(['STD2-2-4']);
    expect(labels('flavor', { vcpus: { minimum: 64 } })).toEqual([]);
  });

  it('availability zones ms1 and gz1', () => {
    expect(values('az')).toEqual(['ms1', 'gz1']);
  });

  it('networks by kind (scalar or list) and shared, shown by UUID or name', () => {
    expect(labels('network')).toEqual(['ext-net', 'internet', 'app-network', 'db-network']);
    expect(labels('network', { kind: 'internal' })).toEqual(['app-network', 'db-network']);
    expect(labels('network', { kind: ['external'] })).toEqual(['ext-net', 'internet']);
    expect(labels('network', { kind: 'internal', shared: true })).toEqual(['app-network', 'db-network', 'shared-services']);
    expect(labels('network', { kind: 'all', shared: [true, false] })).toHaveLength(5);
    expect(values('network', { kind: 'internal' }, 'name')).toEqual(['app-network', 'db-network']);
    expect(values('network', { kind: 'internal' }, 'uuid')[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('volume types by disk class (MA and REF spellings) and name', () => {
    expect(values('volume_type')).toEqual(['ceph-ssd', 'ceph-hdd', 'high-iops']);
    expect(values('volume_type', { disk_class: { enum: ['hdd'] } })).toEqual(['ceph-hdd']);
    expect(values('volume_type', { disk_class: { enum: ['ceph-ssd', 'high-iops'] } })).toEqual(['ceph-ssd', 'high-iops']);
    expect(values('volume_type', { name: { enum: ['high-iops'] } })).toEqual(['high-iops']);
  });

  it('subnets', () => {
    expect(labels('subnet')).toEqual(['app-subnet', 'db-subnet', 'shared-subnet']);
  });
});

function withOption(patch: (s: ServiceModel) => void): ServiceModel {
  const s = ibService();
  patch(s);
  return s;
}

describe('service page', () => {
  it('sanitises the full description: raw HTML escaped, unsafe links and remote images never loaded', async () => {
    const html = await renderServicePreview(withOption((s) => {
      s.full_description = { text: '# Title\n\n<img src="https://x.example/a.png" onerror="alert(1)">\n\n[x](javascript:alert(1)) [y](data:text/html,hi) [ok](mailto:a@b.c)\n\n![pic](https://x.example/p.png)' };
    }));
    const md = /<div class="md">([\s\S]*?)<\/div><\/section>/.exec(html)![1];
    expect(md).toContain('<h3>Title</h3>');
    expect(md).toContain('&lt;img src=&quot;https://x.example/a.png&quot; onerror=&quot;alert(1)&quot;&gt;');
    expect(md).not.toMatch(/<img|<script|href="javascript|href="data/);
    expect(md).toContain('<a href="mailto:a@b.c" rel="noopener noreferrer">ok</a>');
    expect(md).toContain('[image: pic]');
  });

  it('a flavor filter that matches no sample is flagged', async () => {
    const html = await renderServicePreview(withOption((s) => {
      s.plans[0].options[0].option = { ...s.plans[0].options[0].option, schema: { type: 'string', description: 'Тип ВМ', datasource: { type: 'flavor', filter: { vcpus: { minimum: 128 } } } } };
    }));
    expect(html).toMatch(/<select id="p0-flavor"[^>]*aria-invalid="true"><option value="">No sample value matches the filter<\/option><\/select>/);
  });

  it('string patterns: JSON Schema search semantics in the HTML pattern; patterns the v flag rejects are left to the script', async () => {
    const html = await renderServicePreview(withOption((s) => {
      const email = s.plans[0].options.find((o) => o.name === 'admin_email')!;
      email.option = { ...email.option, schema: { ...email.option.schema, pattern: '[a-z-]+' } };
    }));
    const input = /<input id="p0-admin_email"[^>]*>/.exec(html)![0];
    expect(input).not.toContain(' pattern=');
    expect(input).toContain('data-pattern="[a-z-]+"');
    const ok = /<input id="p0-admin_email"[^>]*>/.exec(await renderServicePreview(ibService()))![0];
    expect(ok).toContain('pattern="[\\s\\S]*(?:^[^@\\s]+@[^@\\s]+$)[\\s\\S]*"');
  });

  it('custom steps show base + k·size and the surcharge; hints are titles and descriptions', async () => {
    const html = await renderServicePreview(ibService());
    expect(html).toContain('<input id="p0-users" data-option="users" title="Включено 25, шаг 100 за 150 ₽." aria-describedby="p0-users-hint p0-users-rule p0-users-out" type="number" inputmode="numeric" min="25" max="1025" step="100" value="125"');
    expect(html).toContain('<output id="p0-users-out" for="p0-users" data-step-output="users">125 = 25 + 1 × 100 · +150\u00a0₽</output>');
    expect(html).toContain('<p class="hint" id="p0-users-hint">Включено 25, шаг 100 за 150 ₽.</p>');
  });

  it('file names: one page per service, revisions of one SaaS service told apart', () => {
    const a = ibService();
    const b = { ...ibService(), revision: '2.0 beta' };
    const c = { ...ibService(), kind: 'saas' as const, serviceName: 'index' };
    const model: ProjectModel = { catalogs: [{ serviceName: 'demo_app', services: [a, b] }], packages: [c] };
    expect(previewPages(model).map((p) => p.path)).toEqual(['demo_app.html', 'demo_app--2.0-beta.html', 'index--1.0.html']);
  });
});
