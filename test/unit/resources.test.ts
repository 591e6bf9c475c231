import { parseResources } from '../../src/provider/resources';
import { RobloxResponseError } from '../../src/errors';

describe('parseResources', () => {
  it("maps Roblox's shape: universes with their owner, creator rights ('U' = the owner itself)", () => {
    const parsed = parseResources({
      resource_infos: [
        { owner: { id: '1516563360', type: 'User' }, resources: { universe: { ids: ['3828411582', 42] }, creator: { ids: ['U'] } } },
        { owner: { id: 7, type: 'Group' }, resources: { creator: { ids: ['7'] } } },
      ],
    });
    expect(parsed.universes).toEqual([
      { id: '3828411582', owner: { type: 'User', id: '1516563360' } },
      { id: '42', owner: { type: 'User', id: '1516563360' } },
    ]);
    expect(parsed.creators).toEqual([{ type: 'User', id: '1516563360' }, { type: 'Group', id: '7' }]);
  });

  // Issue 9 rule 2: provider values are checked before they are exposed; an ID is digits, nothing else.
  it('leaves out IDs that are not Roblox IDs (text, markup, negative, fractional, unsafe integers, U as a universe)', () => {
    const parsed = parseResources({
      resource_infos: [
        { owner: { id: 'javascript:alert(1)', type: 'User' }, resources: { universe: { ids: ['1'] } } },
        { owner: { id: '1', type: 'Admin' }, resources: { universe: { ids: ['2'] } } },
        {
          owner: { id: '5', type: 'User' },
          resources: { universe: { ids: ['<b>3</b>', -4, 1.5, 2 ** 60, '', 'U', ' 6', '7\n', '8'] }, creator: { ids: ['x', 'U'] } },
        },
      ],
    });
    expect(parsed.universes.map((u) => u.id)).toEqual(['8']);
    expect(parsed.owners).toEqual([{ type: 'User', id: '5' }]);
    expect(parsed.creators).toEqual([{ type: 'User', id: '5' }]);
  });

  it('refuses a body without resource_infos', () => {
    expect(() => parseResources({})).toThrow(RobloxResponseError);
    expect(() => parseResources(null)).toThrow('without resource_infos');
  });
});
