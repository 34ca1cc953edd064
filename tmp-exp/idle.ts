const t00 = performance.now(); let last = performance.now(); let max = 0; let n40 = 0;
const iv = setInterval(() => { const now = performance.now(); const g = now - last; if (g > 40) n40++; max = Math.max(max, g); last = now; }, 5);
setTimeout(() => { clearInterval(iv); console.log('idle 8s: max gap', max.toFixed(0), 'gaps>40ms', n40); }, 8000);
