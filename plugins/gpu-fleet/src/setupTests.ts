import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine running the tests is shared; give first renders room.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);
