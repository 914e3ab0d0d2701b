/**
 * The app in Chromium against browser mode, with a real engine and real base files: start screen,
 * create a base and a table, fields appear, add a record, type into a cell, reopen from the recent
 * list. Screenshots go to test/e2e/artifacts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { call as engineCall } from '../bench/bench-util';
import { FIELD_TYPES } from '../../src-shared/schema/schema.types';
import { createBaseAndTable, findChromium, launchBrowser, screenshotPath, startBrowserMode, type BrowserMode } from './browser';

const haveBrowser = findChromium() !== null;
if (!haveBrowser && process.env.CI) throw new Error('CI needs a Chromium for the end-to-end tests (.ci/run installs Debian\'s chromium).');
if (!haveBrowser) process.stderr.write('[e2e] SKIPPED: no Chromium found (set BASEPLATE_CHROMIUM or install chromium)\n');

let tmp: ReturnType<typeof makeTempDir>;
let mode: BrowserMode;
let browser: Browser;
let page: Page;

describe.runIf(haveBrowser)('app in the browser', () => {
  beforeAll(async () => {
    tmp = makeTempDir();
    mode = await startBrowserMode();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await mode?.close();
    tmp?.cleanup();
  });

  it('opens on the start screen through the tokened address', async () => {
    await page.goto(mode.server.url);
    await expect.poll(() => page.url()).toBe(`${mode.server.origin}/`);
    await page.getByRole('heading', { name: 'Baseplate' }).waitFor();
    await page.screenshot({ path: screenshotPath('01-start') });
  });

  it('creates a base and a table, shows fields added by the engine, and edits a cell', async () => {
    const file = tmp.file('e2e.base');
    await createBaseAndTable(page, file, 'Parts');
    await page.getByText('0 records').waitFor();

    // Fields created by another client (here the engine directly) appear through change events.
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    // Opening an open base gives its handle.
    const { base } = (await call('base.open', { path: file })) as { base: string };
    await call('field.create', { base, table: 'Parts', name: 'Qty', type: 'number' });
    await call('field.create', { base, table: 'Parts', name: 'In stock', type: 'checkbox' });
    await page.getByRole('columnheader', { name: 'Name' }).waitFor();
    await page.getByRole('columnheader', { name: 'Qty' }).waitFor();
    await page.getByRole('columnheader', { name: 'In stock' }).waitFor();

    await page.getByRole('button', { name: '+ Add record' }).click();
    await page.getByText('1 record', { exact: true }).waitFor();
    const nameCell = page.locator('.ag-row[row-index="0"] [col-id="' + (await fieldId(call, base, 'Name')) + '"]');
    await nameCell.dblclick();
    await page.keyboard.type('Hex bolt M8');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => ((await call('records.query', { base, table: 'Parts', keys: 'name' })) as { records: Array<{ fields: Record<string, unknown> }> }).records[0]?.fields.Name)
      .toBe('Hex bolt M8');
    await page.screenshot({ path: screenshotPath('02-grid') });
  });

  it('adds a field from the toolbar, sorts by a header click, searches, deletes and undoes', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await call('records.create', { base, table: 'Parts', records: [{ Name: 'Washer M8', Qty: 500 }, { Name: 'Nut M8', Qty: 120 }, { Name: 'Spacer', Qty: 7 }] });
    await page.getByText('4 records', { exact: true }).waitFor();

    await page.getByRole('button', { name: '+ Field' }).click();
    await page.getByLabel('Field name').fill('Material');
    await page.getByLabel('Field type').selectOption('singleSelect');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('columnheader', { name: 'Material' }).waitFor();
    const schema = (await call('schema.get', { base })) as { tables: Array<{ fields: Array<{ name: string; type: string }> }> };
    expect(schema.tables[0]!.fields.find((f) => f.name === 'Material')?.type).toBe('singleSelect');

    const firstName = async (): Promise<string> => (await page.locator(`.ag-row[row-index="0"] [col-id="${await fieldId(call, base, 'Name')}"]`).innerText()).trim();
    await page.getByRole('columnheader', { name: 'Qty' }).click();
    await expect.poll(firstName).toBe('Hex bolt M8'); // Qty empty sorts first
    await page.getByRole('columnheader', { name: 'Qty' }).click();
    await expect.poll(firstName).toBe('Washer M8');
    await page.screenshot({ path: screenshotPath('03-sorted') });

    await page.getByLabel('Search records').fill('m8');
    await page.getByText('3 records found', { exact: true }).waitFor();
    await page.getByLabel('Search records').fill('washer');
    await page.getByText('1 record found', { exact: true }).waitFor();
    // The match is marked in its cell.
    await expect.poll(() => page.locator('.ag-row mark').allInnerTexts()).toEqual(['Washer']);
    await page.getByLabel('Search records').fill('');
    await page.getByText('4 records', { exact: true }).waitFor();

    await page.locator(`.ag-row[row-index="0"] [col-id="${await fieldId(call, base, 'Name')}"]`).click();
    await page.getByRole('button', { name: 'Delete record' }).click();
    await page.getByText('3 records', { exact: true }).waitFor();
    await page.locator('.toolbar h2').click();
    await page.keyboard.press('Control+z');
    await page.getByText('4 records', { exact: true }).waitFor();
    await page.keyboard.press('Control+Shift+z');
    await page.getByText('3 records', { exact: true }).waitFor();
    await page.keyboard.press('Control+z');
    await page.getByText('4 records', { exact: true }).waitFor();
  });

  it('expands a record into a form with its history, and edits it there', async () => {
    await page.locator('.ag-row[row-index="0"]').first().hover();
    await page.getByRole('button', { name: 'Expand record 1' }).click();
    const panel = page.getByRole('complementary', { name: 'Record' });
    await panel.getByLabel('Qty').waitFor();
    const qty = panel.getByLabel('Qty');
    const before = await qty.inputValue();
    await qty.fill('42');
    await qty.press('Enter');
    await panel.getByRole('region', { name: 'History' }).getByText(`changed Qty from “${before}” to “42”`).waitFor();
    // The grid shows it too (the row may have moved: the grid is sorted by Qty).
    await expect.poll(async () => (await page.locator('.ag-row .ag-cell').allInnerTexts()).map((t) => t.trim())).toContain('42');
    await page.screenshot({ path: screenshotPath('05-record-panel') });
    await panel.getByRole('button', { name: 'Close the record' }).click();
    await expect.poll(() => panel.count()).toBe(0);
  });

  it('shows each field type its own way: chips, checkbox, stars, links, formatted numbers and dates', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await call('table.create', {
      base,
      name: 'Types',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'green' }, { name: 'Hold', color: 'red' }] } },
        { name: 'Tags', type: 'multipleSelect', options: { choices: [{ name: 'steel' }, { name: 'M8' }] } },
        { name: 'Done', type: 'checkbox' },
        { name: 'Stars', type: 'rating', options: { max: 5 } },
        { name: 'Site', type: 'url' },
        { name: 'Mail', type: 'email' },
        { name: 'Price', type: 'currency', options: { symbol: '€', precision: 2 } },
        { name: 'Due', type: 'date' },
      ],
    });
    await call('records.create', {
      base,
      table: 'Types',
      records: [{ Title: 'Bracket', Status: 'Hold', Tags: ['steel', 'M8'], Stars: 3, Site: 'https://example.com/b', Mail: 'ada@example.com', Price: 12.5, Due: '2026-03-01' }],
    });
    // Wide enough for every column: the grid only renders the columns in view.
    await page.setViewportSize({ width: 2200, height: 800 });
    await page.getByRole('button', { name: 'Types', exact: true }).click();
    await page.getByRole('heading', { name: 'Types' }).waitFor();
    const row = page.locator('.ag-row[row-index="0"]');
    await row.locator('.chip-red', { hasText: 'Hold' }).waitFor();
    await row.locator('.chip', { hasText: 'steel' }).waitFor();
    await row.getByLabel('3 of 5').waitFor();
    expect(await row.getByRole('link', { name: 'https://example.com/b' }).getAttribute('rel')).toContain('noopener');
    expect(await row.getByRole('link', { name: 'ada@example.com' }).getAttribute('href')).toBe('mailto:ada@example.com');
    await row.getByText('€12.50').waitFor();
    const done = row.getByRole('checkbox', { name: 'Done' });
    expect(await done.isChecked()).toBe(false);
    await done.click();
    await expect
      .poll(async () => ((await call('records.query', { base, table: 'Types', keys: 'name' })) as { records: Array<{ fields: Record<string, unknown> }> }).records[0]!.fields.Done)
      .toBe(true);
    await page.screenshot({ path: screenshotPath('06-field-types') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('pastes a TSV block from a spreadsheet, converting types, adding records and reporting what did not fit; copies as TSV', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await call('table.create', { base, name: 'Paste', fields: [{ name: 'Item', type: 'singleLineText' }, { name: 'Count', type: 'number' }, { name: 'Ok', type: 'checkbox' }] });
    await call('records.create', { base, table: 'Paste', records: [{ Item: 'placeholder' }] });
    await page.getByRole('button', { name: 'Paste', exact: true }).click();
    await page.getByRole('heading', { name: 'Paste' }).waitFor();
    await page.getByText('1 record', { exact: true }).waitFor();
    await page.locator('.ag-row[row-index="0"] .ag-cell', { hasText: 'placeholder' }).click();

    // A clipboard event on the focused cell, as the browser fires it for Ctrl+V / Ctrl+C.
    const clipboard = (type: 'paste' | 'copy', text = ''): Promise<string> =>
      page.evaluate(`(() => {
        const dt = new DataTransfer();
        if (${JSON.stringify(type)} === 'paste') dt.setData('text/plain', ${JSON.stringify(text)});
        document.activeElement.dispatchEvent(new ClipboardEvent(${JSON.stringify(type)}, { clipboardData: dt, bubbles: true, cancelable: true }));
        return dt.getData('text/plain');
      })()`);
    await clipboard('paste', 'Bolt\t4\tyes\r\nNut\tabc\tno\r\n"Washer, 8 mm"\t7\t\r\n');
    await page.getByText('Pasted 8 cells, adding 2 records.').waitFor();
    await page.getByRole('alert').filter({ hasText: /1 cell could not be pasted: row 2, Count: “abc”/ }).waitFor();
    await page.getByText('3 records', { exact: true }).waitFor();
    const rows = ((await call('records.query', { base, table: 'Paste', keys: 'name', sorts: [{ field: 'Item', direction: 'asc' }] })) as { records: Array<{ fields: Record<string, unknown> }> }).records;
    expect(rows.map((r) => r.fields)).toEqual([{ Item: 'Bolt', Count: 4, Ok: true }, { Item: 'Nut' }, { Item: 'Washer, 8 mm', Count: 7 }]);
    // One undo takes back the whole paste, the added records included.
    await page.locator('.toolbar h2').click();
    await page.keyboard.press('Control+z');
    await page.getByText('1 record', { exact: true }).waitFor();
    await page.locator('.ag-row .ag-cell', { hasText: 'placeholder' }).waitFor();
    await page.keyboard.press('Control+Shift+z');
    await page.getByText('3 records', { exact: true }).waitFor();

    // Copy the focused cell back out as TSV.
    await page.locator('.ag-row .ag-cell', { hasText: 'Bolt' }).click();
    expect(await clipboard('copy')).toBe('Bolt');
  });

  it('keeps views: filter builder, hidden fields and sorts are saved per view; views are created, renamed and deleted', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    const viewsOf = async (): Promise<Array<{ name: string; filter: unknown; hidden: string[]; sorts: unknown[] }>> =>
      ((await call('schema.get', { base })) as { tables: Array<{ name: string; views: Array<{ name: string; filter: unknown; hidden: string[]; sorts: unknown[] }> }> }).tables.find((t) => t.name === 'Parts')!.views;
    await page.getByRole('button', { name: 'Parts', exact: true }).click();
    await page.getByText('4 records', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'New view' }).click();
    await page.getByRole('tab', { name: 'Grid view 2', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'Grid view 2' }).dblclick();
    await page.getByLabel('Rename view Grid view 2').fill('Big stock');
    await page.getByLabel('Rename view Grid view 2').press('Enter');
    await page.getByRole('tab', { name: 'Big stock', selected: true }).waitFor();

    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const filter = page.getByRole('dialog', { name: 'Filter' });
    await filter.getByRole('button', { name: '+ Condition' }).click();
    await filter.getByLabel('Field of condition 1').selectOption({ label: 'Qty' });
    await filter.getByLabel('Operator of condition 1').selectOption({ label: '>' });
    await filter.getByLabel('Value of condition 1').fill('5');
    await filter.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('3 records', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Filtered (1)' }).waitFor();

    await page.getByRole('button', { name: 'Hide fields' }).click();
    // A controlled checkbox: it changes once the view is saved.
    await page.getByRole('dialog', { name: 'Hide fields' }).getByLabel('In stock').click();
    await page.getByRole('button', { name: '1 hidden' }).waitFor();
    await page.getByRole('dialog', { name: 'Hide fields' }).getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'In stock' }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('07-view-filtered') });

    const views = await viewsOf();
    const big = views.find((v) => v.name === 'Big stock')!;
    expect(big.filter).toEqual({ and: [{ field: expect.stringMatching(/^fld/), op: '>', value: 5 }] });
    expect(big.hidden).toHaveLength(1);

    // The other view is untouched.
    await page.getByRole('tab', { name: 'Grid view', exact: true }).click();
    await page.getByText('4 records', { exact: true }).waitFor();
    await page.getByRole('columnheader', { name: 'In stock' }).waitFor();

    await page.getByRole('tab', { name: 'Big stock' }).click();
    await page.getByText('3 records', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Delete view' }).click();
    await page.getByRole('alertdialog', { name: 'Delete view Big stock?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => (await viewsOf()).map((v) => v.name)).toEqual(['Grid view']);
    await page.getByText('4 records', { exact: true }).waitFor();
  });

  it('builds a filter with a nested group, choices picked from the field, and edits it again', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    const choices = [
      { name: 'Open', color: 'blue' },
      { name: 'Done', color: 'green' },
      { name: 'Hold', color: 'red' },
    ];
    await call('table.create', { base, name: 'Orders', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }, { name: 'Status', type: 'singleSelect', options: { choices } }] });
    await call('records.create', {
      base,
      table: 'Orders',
      records: [
        { Name: 'A', Qty: 10, Status: 'Done' },
        { Name: 'B', Qty: 2, Status: 'Done' },
        { Name: 'C', Qty: 10, Status: 'Open' },
        { Name: 'D', Qty: 10, Status: 'Hold' },
        { Name: 'E', Qty: 1, Status: 'Hold' },
      ],
    });
    await page.getByRole('button', { name: 'Orders', exact: true }).click();
    await page.getByText('5 records', { exact: true }).waitFor();

    // Qty > 5 and (Status is Done or Status is Hold).
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const filter = page.getByRole('dialog', { name: 'Filter' });
    await filter.getByRole('button', { name: '+ Condition', exact: true }).click();
    await filter.getByLabel('Field of condition 1').selectOption({ label: 'Qty' });
    await filter.getByLabel('Operator of condition 1').selectOption({ label: '>' });
    await filter.getByLabel('Value of condition 1').fill('5');
    await filter.getByRole('button', { name: 'Add a group to the filter' }).click();
    const group = filter.getByRole('group', { name: 'Group 2' });
    await group.getByLabel('Field of condition 2.1').selectOption({ label: 'Status' });
    await group.getByLabel('Value of condition 2.1').selectOption({ label: 'Done' });
    await group.getByRole('button', { name: '+ Condition in group 2' }).click();
    await group.getByLabel('Field of condition 2.2').selectOption({ label: 'Status' });
    await group.getByLabel('Value of condition 2.2').selectOption({ label: 'Hold' });
    // A group inside an AND group starts as OR.
    expect(await group.getByLabel('Match in group 2').inputValue()).toBe('or');
    await page.screenshot({ path: screenshotPath('07b-filter-groups') });
    await filter.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('2 records', { exact: true }).waitFor();

    const schema = (await call('schema.get', { base })) as { tables: Array<{ name: string; views: Array<{ filter: unknown }>; fields: Array<{ name: string; id: string; options: { choices?: Array<{ id: string; name: string }> } }> }> };
    const orders = schema.tables.find((t) => t.name === 'Orders')!;
    const status = orders.fields.find((f) => f.name === 'Status')!;
    const idOf = (name: string): string => status.options.choices!.find((c) => c.name === name)!.id;
    expect(orders.views[0]!.filter).toEqual({
      and: [
        { field: orders.fields.find((f) => f.name === 'Qty')!.id, op: '>', value: 5 },
        { or: [{ field: status.id, op: '=', value: idOf('Done') }, { field: status.id, op: '=', value: idOf('Hold') }] },
      ],
    });

    // Opened again, the builder shows the same tree; removing the group widens the filter.
    await page.getByRole('button', { name: 'Filtered (3)' }).click();
    const again = page.getByRole('dialog', { name: 'Filter' });
    expect(await again.getByLabel('Value of condition 2.1').inputValue()).toBe(idOf('Done'));
    expect(await again.getByLabel('Value of condition 1').inputValue()).toBe('5');
    await again.getByRole('button', { name: 'Remove group 2' }).click();
    await again.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('3 records', { exact: true }).waitFor();
  });

  it('edits fields from the column menu: retype with a conversion preview, insert, delete and undo', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    const fields = async (): Promise<Array<[string, string]>> =>
      ((await call('schema.get', { base })) as { tables: Array<{ name: string; fields: Array<{ name: string; type: string }> }> }).tables
        .find((t) => t.name === 'Paste')!
        .fields.map((f) => [f.name, f.type]);
    await page.getByRole('button', { name: 'Paste', exact: true }).click();
    await page.getByText('3 records', { exact: true }).waitFor();

    await page.getByRole('columnheader', { name: 'Count' }).click({ button: 'right' });
    await page.getByRole('menu', { name: 'Field Count' }).getByRole('menuitem', { name: 'Edit field…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit field' });
    await dialog.getByLabel('Type').selectOption('singleLineText');
    await dialog.getByRole('status').filter({ hasText: '2 cells convert.' }).waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Converted 2 cells.').waitFor();
    expect((await fields()).find(([n]) => n === 'Count')).toEqual(['Count', 'singleLineText']);

    await page.getByRole('columnheader', { name: 'Item' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Insert field right' }).click();
    await page.getByLabel('Field name').fill('Note');
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('columnheader', { name: 'Note' }).waitFor();
    expect((await fields()).map(([n]) => n)).toEqual(['Item', 'Note', 'Count', 'Ok']);

    await page.getByRole('columnheader', { name: 'Note' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete field…' }).click();
    await page.getByRole('alertdialog', { name: 'Delete field Note?' }).getByRole('button', { name: 'Delete field' }).click();
    await page.getByText("Deleted field 'Note'. Ctrl+Z brings it back.").waitFor();
    await expect.poll(async () => (await fields()).map(([n]) => n)).toEqual(['Item', 'Count', 'Ok']);
    await page.locator('.toolbar h2').click();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await fields()).map(([n]) => n)).toEqual(['Item', 'Note', 'Count', 'Ok']);
  });

  it('edits a field\'s options: select choices renamed, added and recoloured', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await page.setViewportSize({ width: 2200, height: 800 });
    await page.getByRole('button', { name: 'Types', exact: true }).click();
    await page.getByRole('heading', { name: 'Types' }).waitFor();
    await page.getByRole('columnheader', { name: 'Status' }).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Edit field…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit field' });
    await dialog.getByLabel('Choice 2', { exact: true }).fill('On hold');
    await dialog.getByRole('button', { name: '+ Choice' }).click();
    await dialog.getByLabel('Choice 3', { exact: true }).fill('Closed');
    await dialog.getByLabel('Colour of choice 1').selectOption('blue');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await page.locator('.ag-row[row-index="0"] .chip-red', { hasText: 'On hold' }).waitFor();
    const schema = (await call('schema.get', { base })) as { tables: Array<{ name: string; fields: Array<{ name: string; options: { choices?: Array<{ name: string; color: string }> } }> }> };
    const status = schema.tables.find((t) => t.name === 'Types')!.fields.find((f) => f.name === 'Status')!;
    expect(status.options.choices!.map((c) => [c.name, c.color])).toEqual([['Open', 'blue'], ['On hold', 'red'], ['Closed', expect.any(String)]]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('adds a field of every type from the toolbar', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await page.getByPlaceholder('New table').fill('All types');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('heading', { name: 'All types' }).waitFor();
    for (const type of FIELD_TYPES) {
      await page.getByRole('button', { name: '+ Field' }).click();
      await page.getByLabel('Field name').fill(`F ${type}`);
      await page.getByLabel('Field type').selectOption(type);
      await page.getByRole('button', { name: 'Add field' }).click();
      await expect.poll(() => page.getByLabel('Field name').count()).toBe(0);
    }
    const schema = (await call('schema.get', { base })) as { tables: Array<{ name: string; fields: Array<{ name: string; type: string }> }> };
    const added = schema.tables.find((t) => t.name === 'All types')!.fields.filter((f) => f.name.startsWith('F '));
    expect(added.map((f) => [f.name, f.type])).toEqual(FIELD_TYPES.map((t) => [`F ${t}`, t]));
    // The grid has a column for each: End in a row goes to the last.
    await page.getByRole('button', { name: '+ Add record' }).click();
    await page.getByText('1 record', { exact: true }).waitFor();
    await page.locator('.ag-row[row-index="0"] .ag-cell').nth(1).click();
    await page.keyboard.press('End');
    await page.getByRole('columnheader', { name: `F ${FIELD_TYPES.at(-1)!}` }).waitFor();
  });

  it('edits every type as its type: in the record panel, and with the grid\'s date-time and choice editors', async () => {
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(mode.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('e2e.base') })) as { base: string };
    await call('table.create', {
      base,
      name: 'Editors',
      fields: [
        { name: 'Title', type: 'singleLineText' },
        { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'green' }, { name: 'Hold', color: 'red' }] } },
        { name: 'Tags', type: 'multipleSelect', options: { choices: [{ name: 'steel' }, { name: 'M8' }, { name: 'zinc' }] } },
        { name: 'Done', type: 'checkbox' },
        { name: 'Stars', type: 'rating', options: { max: 5 } },
        { name: 'Due', type: 'date' },
        { name: 'Meeting', type: 'dateTime', options: { timeZone: 'Europe/Berlin' } },
        { name: 'Notes', type: 'longText' },
        { name: 'Data', type: 'json' },
        { name: 'Price', type: 'currency', options: { symbol: '€', precision: 2 } },
      ],
    });
    const { ids } = (await call('records.create', { base, table: 'Editors', records: [{ Title: 'Bracket' }] })) as { ids: string[] };
    const fields = async (): Promise<Record<string, unknown>> => ((await call('records.get', { base, table: 'Editors', id: ids[0], keys: 'name' })) as { fields: Record<string, unknown> }).fields;
    await page.setViewportSize({ width: 2400, height: 900 });
    await page.getByRole('button', { name: 'Editors', exact: true }).click();
    await page.getByRole('heading', { name: 'Editors' }).waitFor();

    await page.locator('.ag-row[row-index="0"]').first().hover();
    await page.getByRole('button', { name: 'Expand record 1' }).click();
    const panel = page.getByRole('complementary', { name: 'Record' });
    await panel.getByLabel('Status').selectOption('Hold');
    await panel.getByRole('group', { name: 'Tags' }).getByLabel('M8').check();
    await panel.getByRole('checkbox', { name: 'Done' }).check();
    await panel.getByRole('radio', { name: '4 of 5' }).click();
    await panel.getByLabel('Due').fill('2026-04-02');
    // Wall time in the field's zone: 09:30 in Berlin in April is 07:30 UTC.
    await panel.getByLabel('Meeting').fill('2026-04-02T09:30');
    await panel.getByLabel('Meeting').press('Enter');
    await panel.getByLabel('Notes').fill('two\nlines');
    await panel.getByLabel('Data').fill('{"size": [8, 20]}');
    await panel.getByLabel('Price').fill('1,234.5');
    await panel.getByLabel('Price').press('Enter');
    await expect.poll(fields).toEqual({
      Title: 'Bracket', Status: 'Hold', Tags: ['M8'], Done: true, Stars: 4, Due: '2026-04-02', Meeting: '2026-04-02T07:30:00.000Z',
      Notes: 'two\nlines', Data: { size: [8, 20] }, Price: 1234.5,
    });
    // Clicking the rating given clears it; text that is no number is refused, saying why.
    await panel.getByRole('radio', { name: '4 of 5' }).click();
    await panel.getByLabel('Price').fill('lots');
    await panel.getByLabel('Price').press('Enter');
    await panel.getByRole('alert').filter({ hasText: /Price: / }).waitFor();
    await expect.poll(async () => (await fields()).Stars).toBeUndefined();
    expect((await fields()).Price).toBe(1234.5);
    await page.screenshot({ path: screenshotPath('05b-record-editors') });
    await panel.getByRole('button', { name: 'Close the record' }).click();

    // The grid's own editors: a date-time picker in the field's zone, choices ticked in a list.
    const cell = async (name: string): Promise<ReturnType<Page['locator']>> => page.locator(`.ag-row[row-index="0"] [col-id="${await fieldId(call, base, name, 'Editors')}"]`);
    await (await cell('Meeting')).dblclick();
    const picker = page.getByLabel('Meeting, in Europe/Berlin');
    expect(await picker.inputValue()).toBe('2026-04-02T09:30');
    await picker.fill('2026-12-24T18:00');
    await picker.press('Enter');
    await expect.poll(async () => (await fields()).Meeting).toBe('2026-12-24T17:00:00.000Z');
    await (await cell('Tags')).dblclick();
    const tags = page.locator('.ag-popup').getByRole('group', { name: 'Tags' });
    await tags.getByLabel('zinc').check();
    await tags.getByLabel('steel').check();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await fields()).Tags).toEqual(['steel', 'M8', 'zinc']);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('reopens a base from the recent list', async () => {
    await page.getByRole('button', { name: '← Bases' }).click();
    const recent = page.getByRole('region', { name: 'Recent bases' });
    await recent.getByRole('button', { name: /e2e\.base$/ }).click();
    await page.getByRole('heading', { name: 'Parts' }).waitFor();
    await page.getByText('Hex bolt M8').waitFor();
  });

  it('goes to the search box on Ctrl+F, and says what to do with files dropped on the page', async () => {
    await page.getByRole('heading', { name: 'Parts' }).click();
    await page.keyboard.press('Control+f');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")')).toBe('Search records');
    await page.keyboard.press('Escape');

    // (Page code as text: these tests compile without the DOM's types.)
    const drop = (name: string): Promise<unknown> =>
      page.evaluate(`(() => {
        const data = new DataTransfer();
        data.items.add(new File(['Part,Qty\\nBolt,4\\n'], ${JSON.stringify(name)}, { type: 'text/plain' }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      })()`);
    // A browser never tells a page where a dropped file is; the desktop app does.
    await drop('parts.csv');
    const problem = page.getByRole('alert').filter({ hasText: "This browser does not tell Baseplate where 'parts.csv' is on disk" });
    await problem.waitFor();
    await problem.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => problem.count()).toBe(0);
    await drop('drawing.pdf');
    // Dropped beside the table (here: on the window), a drawing is pointed to the table.
    await page.getByRole('alert').filter({ hasText: "To add 'drawing.pdf' as a drawing, drop it on the table" }).waitFor();
    await page.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('says so clearly when the engine goes away', async () => {
    await mode.server.close();
    await page.getByRole('alert').filter({ hasText: 'The connection to the Baseplate engine was lost' }).waitFor();
    await page.screenshot({ path: screenshotPath('10-engine-lost') });
  });
});

async function fieldId(call: (m: string, i: unknown) => Promise<unknown>, base: string, name: string, table = 'Parts'): Promise<string> {
  const schema = (await call('schema.get', { base })) as { tables: Array<{ name: string; fields: Array<{ id: string; name: string }> }> };
  return schema.tables.find((t) => t.name === table)!.fields.find((f) => f.name === name)!.id;
}
